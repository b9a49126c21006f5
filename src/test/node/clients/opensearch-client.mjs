// The official OpenSearch JavaScript client, configured as its documentation shows, through the gateway's search
// listener. Settings come from the environment (never from argv, so the token does not show in a process list):
//   GATEWAY_URL    http://127.0.0.1:<search port>
//   GATEWAY_TOKEN  an API token of the service (password "token")
//   OWN_INDEX      an index the service may write; OWN_INDEX_GZIP another one, written with compression on
//   OWN_PATTERN    a wildcard over the service's indices
//   FOREIGN_INDEX  another tenant's index, holding documents the service must never see
//   MARKER         a word written into every document of this run
// Prints one JSON object: per step, what the client observed.
import { Client } from '@opensearch-project/opensearch';
import { Steps, setting, hitIndices, hitTotal } from './steps.mjs';

const node = setting('GATEWAY_URL');
const token = setting('GATEWAY_TOKEN');
const ownIndex = setting('OWN_INDEX');
const gzipIndex = setting('OWN_INDEX_GZIP');
const ownPattern = setting('OWN_PATTERN');
const foreignIndex = setting('FOREIGN_INDEX');
const marker = setting('MARKER');

const client = new Client({ node, auth: { username: token, password: 'token' } });
const steps = new Steps();

const line = (i, tag) => ({
  message: `${marker} ${tag} ${i}`,
  level: i % 2 === 0 ? 'INFO' : 'ERROR',
  timestamp: `2026-11-28T10:00:0${i}Z`,
});

await steps.run('info', async () => {
  const { statusCode, body } = await client.info();
  return { statusCode, distribution: body.version?.distribution, number: body.version?.number };
});

await steps.run('ping', async () => {
  const { statusCode, body } = await client.ping();
  return { statusCode, alive: body };
});

await steps.run('clusterHealth', async () => {
  const { statusCode, body } = await client.cluster.health();
  return { statusCode, status: body.status };
});

await steps.run('existsBeforeWrite', async () => {
  const { statusCode, body } = await client.indices.exists({ index: ownIndex });
  return { statusCode, exists: body };
});

await steps.run('bulk', async () => {
  const body = [];
  for (let i = 0; i < 5; i++) {
    body.push({ index: { _index: ownIndex, _id: `plain${i}` } }, line(i, 'plain'));
  }
  const response = await client.bulk({ body });
  return { statusCode: response.statusCode, errors: response.body.errors, items: response.body.items.length };
});

await steps.run('helpersBulk', async () => {
  const documents = [5, 6, 7, 8, 9].map((i) => ({ id: `helper${i}`, ...line(i, 'helper') }));
  const stats = await client.helpers.bulk({
    datasource: documents,
    onDocument: ({ id }) => ({ index: { _index: ownIndex, _id: id } }),
  });
  return { total: stats.total, successful: stats.successful, failed: stats.failed };
});

await steps.run('existsAfterWrite', async () => {
  const { statusCode, body } = await client.indices.exists({ index: ownIndex });
  return { statusCode, exists: body };
});

await steps.run('refresh', async () => {
  const { statusCode } = await client.indices.refresh({ index: ownIndex });
  return { statusCode };
});

await steps.run('search', async () => {
  const { statusCode, body } = await client.search({
    index: ownIndex,
    body: { query: { match: { level: 'ERROR' } }, sort: [{ timestamp: { order: 'desc' } }] },
  });
  return { statusCode, total: hitTotal(body), indices: hitIndices(body), first: body.hits.hits[0]?._source?.message };
});

await steps.run('count', async () => {
  const { statusCode, body } = await client.count({ index: ownIndex });
  return { statusCode, count: body.count };
});

await steps.run('countOverPattern', async () => {
  const { statusCode, body } = await client.count({ index: ownPattern, body: { query: { match: { message: marker } } } });
  return { statusCode, count: body.count };
});

await steps.run('msearch', async () => {
  const { statusCode, body } = await client.msearch({
    body: [
      { index: ownIndex }, { query: { match_all: {} }, size: 20 },
      { index: ownPattern }, { query: { term: { 'level.keyword': 'INFO' } }, size: 20 },
      {}, { query: { match: { message: marker } }, size: 20 },
    ],
  });
  return {
    statusCode,
    responses: body.responses.map((r) => ({ status: r.status, error: r.error?.type, total: hitTotal(r), indices: hitIndices(r) })),
  };
});

await steps.run('scrollHelper', async () => {
  let pages = 0;
  const indices = new Set();
  let documents = 0;
  for await (const page of client.helpers.scrollSearch({ index: ownIndex, scroll: '30s', size: 3, body: { query: { match_all: {} } } })) {
    pages += 1;
    documents += page.documents.length;
    page.body.hits.hits.forEach((hit) => indices.add(hit._index));
  }
  return { pages, documents, indices: [...indices].sort() };
});

await steps.run('clearScroll', async () => {
  const first = await client.search({ index: ownIndex, scroll: '30s', size: 1, body: { query: { match_all: {} } } });
  const { statusCode, body } = await client.clearScroll({ body: { scroll_id: first.body._scroll_id } });
  return { statusCode, succeeded: body.succeeded, freed: body.num_freed };
});

// A point in time, then a search in it (no index in the path: the point in time names it), then closing it.
await steps.run('pointInTime', async () => {
  const opened = await client.createPit({ index: ownIndex, keep_alive: '1m' });
  const pitId = opened.body.pit_id;
  const search = await client.search({ body: { pit: { id: pitId, keep_alive: '1m' }, query: { match_all: {} }, size: 20 } });
  const closed = await client.deletePit({ body: { pit_id: [pitId] } });
  return {
    statusCode: search.statusCode,
    total: hitTotal(search.body),
    indices: hitIndices(search.body),
    closedStatusCode: closed.statusCode,
    closed: closed.body.pits?.every((pit) => pit.successful),
  };
});

// Compression as the documentation shows it: gzip request bodies, and gzip answers suggested with Accept-Encoding.
const gzipClient = new Client({ node, auth: { username: token, password: 'token' }, compression: 'gzip', suggestCompression: true });

await steps.run('gzipBulk', async () => {
  const body = [];
  for (let i = 0; i < 5; i++) {
    body.push({ index: { _index: gzipIndex, _id: `gzip${i}` } }, line(i, 'gzip'));
  }
  const response = await gzipClient.bulk({ body, refresh: 'true' });
  return {
    statusCode: response.statusCode,
    errors: response.body.errors,
    items: response.body.items.length,
    contentEncoding: response.meta.request.params.headers['content-encoding'],
  };
});

await steps.run('gzipSearch', async () => {
  const response = await gzipClient.search({ index: gzipIndex, body: { query: { match: { message: 'gzip' } }, size: 20 } });
  return {
    statusCode: response.statusCode,
    total: hitTotal(response.body),
    indices: hitIndices(response.body),
    contentEncoding: response.meta.request.params.headers['content-encoding'],
    responseEncoding: response.headers['content-encoding'],
  };
});

await steps.run('foreignSearch', async () => {
  const { statusCode, body } = await client.search({ index: foreignIndex, body: { query: { match_all: {} } } });
  return { statusCode, total: hitTotal(body), indices: hitIndices(body) };
});

await steps.run('foreignExists', async () => {
  const { statusCode, body } = await client.indices.exists({ index: foreignIndex });
  return { statusCode, exists: body };
});

await steps.run('foreignBulk', async () => {
  const { statusCode, body } = await client.bulk({
    body: [{ index: { _index: foreignIndex, _id: 'intrusion' } }, line(0, 'intrusion')],
  });
  return { statusCode, errors: body.errors };
});

const wrongToken = new Client({ node, auth: { username: 'not-a-token-of-this-gateway', password: 'token' } });

await steps.run('wrongToken', async () => {
  const { statusCode, body } = await wrongToken.search({ index: ownIndex, body: { query: { match_all: {} } } });
  return { statusCode, total: hitTotal(body) };
});

await Promise.all([client.close(), gzipClient.close(), wrongToken.close()]);
steps.print();
