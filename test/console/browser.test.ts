// The console in a real headless browser (Debian chromium via playwright-core): create a topic,
// produce a JSON message with a header, browse it, delete the topic. Screenshots of each step go
// to test-artifacts/console/ for people to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { defaultAssetsDir, startConsoleServer } from '../../src/console/server.js';
import { BrookClusterClient } from '../../src/console/brook-client.js';
import { startTestBroker, removeDir } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';

const CHROMIUM = process.env['BROOK_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// Compiled to <out>/test/console/: the repository root is three levels up.
const artifacts = fileURLToPath(new URL('../../../test-artifacts/console/', import.meta.url));

const skip = existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM} (apt-get install chromium, or set BROOK_CHROMIUM)`;

test('create a topic, produce and browse a message, delete the topic, in a real browser', { skip, timeout: 120_000 }, async () => {
  assert.ok(existsSync(join(defaultAssetsDir, 'index.html')), `console pages not built in ${defaultAssetsDir}: run npm run build`);
  mkdirSync(artifacts, { recursive: true });
  const broker = await startTestBroker({ storage: 'memory' });
  const client = new BrookClusterClient({ bootstrapServers: broker.bootstrapServers, requestTimeoutMs: 5_000 });
  const server = await startConsoleServer({ client, port: 0 });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Cluster overview' }).waitFor();
    await page.getByText('Under-replicated').waitFor();
    await shot('01-overview');

    await page.getByRole('link', { name: 'Topics', exact: true }).click();
    await page.getByRole('button', { name: 'Create topic' }).click();
    const form = page.getByRole('form', { name: 'Create topic' });
    await form.getByLabel('Name', { exact: true }).fill('browser-orders');
    await form.getByLabel('Partitions', { exact: true }).fill('2');
    await shot('02-create-topic');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Topic browser-orders' }).waitFor();
    await page.getByRole('cell', { name: '1', exact: true }).first().waitFor();
    await shot('03-topic-partitions');

    await page.getByRole('link', { name: 'Configs', exact: true }).click();
    await page.getByRole('button', { name: 'Edit retention.ms', exact: true }).click();
    await page.getByLabel('New value of retention.ms', { exact: true }).fill('3600000');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const retention = page.getByRole('row').filter({ has: page.getByText('retention.ms', { exact: true }) });
    await retention.getByText('topic override').waitFor();
    assert.match(await retention.innerText(), /3600000/);
    await shot('03b-config-edited');

    await page.getByRole('link', { name: 'Produce', exact: true }).click();
    const produce = page.getByRole('form', { name: 'Produce a message' });
    await produce.getByLabel('Partition', { exact: true }).selectOption('1');
    await produce.getByLabel('Key', { exact: true }).fill('order-7');
    await produce.getByLabel('Value', { exact: true }).fill('{"order":7,"items":[{"sku":"A-1","qty":2}]}');
    await produce.getByLabel('Headers', { exact: true }).fill('trace-id: abc123');
    await produce.getByRole('button', { name: 'Produce' }).click();
    await page.getByRole('status').filter({ hasText: 'Produced to partition 1 at offset 0.' }).waitFor();
    await shot('04-produced');

    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    const browse = page.getByRole('form', { name: 'Browse messages' });
    await browse.getByLabel('Partition', { exact: true }).selectOption('1');
    await browse.getByRole('button', { name: 'Load messages' }).click();
    const message = page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
    await message.first().waitFor();
    assert.equal(await message.count(), 1);
    const text = await message.first().innerText();
    assert.match(text, /offset 0/);
    assert.match(text, /order-7/);
    assert.match(text, /"sku": "A-1"/, 'the JSON value is pretty-printed');
    assert.match(text, /trace-id\s+abc123/);
    await shot('05-browse');
    const filter = page.getByLabel('Filter by key or value', { exact: true });
    await filter.fill('no such text');
    assert.equal(await message.count(), 0);
    await filter.fill('a-1');
    assert.equal(await message.count(), 1, 'the filter matches values case-insensitively');
    await browse.getByLabel('Start at', { exact: true }).selectOption('time');
    await browse.getByLabel('Time', { exact: true }).fill('2001-01-01T00:00:00');
    await browse.getByRole('button', { name: 'Load messages' }).click();
    await page.getByText('loaded 1, 1 match').waitFor();

    await page.getByRole('button', { name: 'Delete topic' }).click();
    const dialog = page.getByRole('alertdialog');
    const confirm = dialog.getByRole('button', { name: 'Delete for good' });
    assert.equal(await confirm.isDisabled(), true, 'disabled until the name is typed');
    await dialog.getByLabel('Topic name', { exact: true }).fill('browser-orders');
    await shot('06-delete-confirm');
    await confirm.click();
    await page.getByRole('heading', { name: 'Topics', exact: true }).waitFor();
    await page.getByText('No topics.').waitFor();
    await shot('07-deleted');
    await page.setViewportSize({ width: 390, height: 760 });
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByText('Under-replicated').waitFor();
    await shot('07b-overview-phone');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    await server.close();
    await client.close();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('a consumer group\'s lag falls as its consumer catches up', { skip, timeout: 120_000 }, async () => {
  assert.ok(existsSync(join(defaultAssetsDir, 'index.html')), `console pages not built in ${defaultAssetsDir}: run npm run build`);
  mkdirSync(artifacts, { recursive: true });
  const broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0', 'num.partitions': '1' } });
  const client = new BrookClusterClient({ bootstrapServers: broker.bootstrapServers, requestTimeoutMs: 5_000 });
  const server = await startConsoleServer({ client, port: 0 });
  const produce = (from: number, n: number) => kcat(['-b', broker.bootstrapServers, '-P', '-t', 'lagging'], Array.from({ length: n }, (_, i) => `{"n":${from + i}}`).join('\n') + '\n');
  const consumeAll = () => kcat(['-b', broker.bootstrapServers, '-G', 'billing', '-X', 'auto.offset.reset=earliest', '-e', '-q', 'lagging']);
  let browser: Browser | null = null;
  try {
    await produce(0, 3);
    await consumeAll();
    await produce(3, 5);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.setDefaultTimeout(15_000);
    // The lag chart polls every 5 s; a fake page clock lets the test move time instead of waiting.
    await page.clock.install();
    await page.goto(`${server.url}/#/groups`);
    await page.getByRole('link', { name: 'billing', exact: true }).click();
    const totalLag = page.locator('.stat', { hasText: 'Total lag' }).locator('.stat-value');
    await page.getByRole('heading', { name: 'Consumer group billing' }).waitFor();
    assert.equal(await totalLag.innerText(), '5');
    await page.screenshot({ path: join(artifacts, '08-group-lagging.png'), fullPage: true });
    await consumeAll();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('.stat', { hasText: 'Total lag' }).locator('.stat-value', { hasText: /^0$/ }).waitFor();
    await page.clock.fastForward(5_000);
    await page.getByRole('img', { name: 'Total lag: 0 messages now, peak 5' }).waitFor();
    await page.screenshot({ path: join(artifacts, '09-group-caught-up.png'), fullPage: true });
  } finally {
    await browser?.close();
    await server.close();
    await client.close();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('resetting an empty group\'s offsets to latest takes its lag to 0', { skip, timeout: 120_000 }, async () => {
  assert.ok(existsSync(join(defaultAssetsDir, 'index.html')), `console pages not built in ${defaultAssetsDir}: run npm run build`);
  mkdirSync(artifacts, { recursive: true });
  const broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0', 'num.partitions': '2' } });
  const client = new BrookClusterClient({ bootstrapServers: broker.bootstrapServers, requestTimeoutMs: 5_000 });
  const server = await startConsoleServer({ client, port: 0 });
  // To both partitions explicitly: the group must have offsets on each (kcat's own partitioner is random).
  const produce = async (n: number) => {
    for (const partition of ['0', '1']) await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'resettable', '-p', partition], Array.from({ length: n }, (_, i) => `m${i}`).join('\n') + '\n');
  };
  let browser: Browser | null = null;
  try {
    await produce(2);
    // kcat commits what it read and leaves: the group is Empty with offsets on both partitions.
    await kcat(['-b', broker.bootstrapServers, '-G', 'audit', '-X', 'auto.offset.reset=earliest', '-e', '-q', 'resettable']);
    await produce(3);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${server.url}/#/groups/audit`);
    await page.getByRole('heading', { name: 'Consumer group audit' }).waitFor();
    const totalLag = page.locator('.stat', { hasText: 'Total lag' }).locator('.stat-value');
    assert.equal(await totalLag.innerText(), '6');

    const form = page.getByRole('form', { name: 'Reset offsets' });
    await form.getByLabel('Topic', { exact: true }).selectOption('resettable');
    await form.getByLabel('Reset to', { exact: true }).selectOption('offset');
    await form.getByLabel('Offset', { exact: true }).fill('');
    await form.getByRole('button', { name: 'Reset offsets…' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter an offset' }).waitFor();
    await form.getByLabel('Reset to', { exact: true }).selectOption('latest');
    await form.getByRole('button', { name: 'Reset offsets…' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Partitions of resettable will be set to the latest offset').waitFor();
    await page.screenshot({ path: join(artifacts, '10-reset-confirm.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Confirm reset' }).click();
    await page.getByRole('status').filter({ hasText: /Reset 2 partition\(s\)/ }).waitFor();
    await totalLag.filter({ hasText: /^0$/ }).waitFor();
    assert.equal(await page.getByRole('alertdialog').count(), 0, 'the confirmation closed');
    await page.screenshot({ path: join(artifacts, '11-reset-done.png'), fullPage: true });
    const detail = await client.group('audit');
    assert.equal(detail.totalLag, 0);
    assert.deepEqual(detail.offsets.map((o) => o.committedOffset).reduce((a, b) => a + b, 0), 10);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    await server.close();
    await client.close();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
