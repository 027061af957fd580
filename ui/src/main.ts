import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

// WebKitGTK (the Linux window) gets scrollbars drawn by the page: see app.css for why.
if (/\bLinux\b/.test(navigator.userAgent) && !/\bAndroid\b/.test(navigator.userAgent)) {
  document.documentElement.dataset.scrollbars = 'page';
}

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
