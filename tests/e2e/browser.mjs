#!/usr/bin/env node
// The "system browser" of the e2e run (BACKDESK_BROWSER): opens the URL it is given and follows redirects, as
// a browser does with a sign-in page that redirects straight back to the app's loopback listener.
const url = process.argv[2];
if (!url) {
  console.error('usage: browser.mjs URL');
  process.exit(2);
}
fetch(url, { redirect: 'follow' }).then(
  async (response) => {
    await response.text();
    process.exit(response.ok ? 0 : 1);
  },
  (error) => {
    console.error(`browser.mjs: ${error.message}`);
    process.exit(1);
  },
);
