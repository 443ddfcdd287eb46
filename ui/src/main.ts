import { mount } from 'svelte';

import App from './App.svelte';
import './app.css';
import { record } from './lib/perf';

// from navigation to the app's script running (loading and parsing the bundle), for the performance table
record('script-start', 0);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
