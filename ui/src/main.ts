import { mount } from 'svelte';

import App from './App.svelte';
import './app.css';
import { record, recordAfterPaint } from './lib/perf';

// from navigation to the app's script running (loading and parsing the bundle), for the performance table
record('script-start', 0);
// from navigation to the first frame painted at all (before any data), the webview's own start
void recordAfterPaint('first-frame', 0);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
