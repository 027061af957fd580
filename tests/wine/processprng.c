/* A stand-in for Windows' bcryptprimitives.dll, for running Satchel's .exe under Wine 8 only.
 *
 * Rust's standard library (1.78 and later) takes its randomness from ProcessPrng, which Windows 10
 * has and Wine 8 doesn't, so the .exe fails to load there. This gives ProcessPrng over
 * RtlGenRandom (advapi32's SystemFunction036), which Wine has. It is never shipped: Windows itself
 * provides the real one. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a ULONG, so larger requests go in pieces. */
    while (length > 0) {
        ULONG piece = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, piece))
            return FALSE;
        data += piece;
        length -= piece;
    }
    return TRUE;
}
