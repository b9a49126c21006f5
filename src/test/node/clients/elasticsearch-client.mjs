// The official Elasticsearch JavaScript client 8 (the one Kibana uses), configured as its documentation shows,
// through the gateway's search listener. Settings come from the environment (never from argv, so the token does not
// show in a process list):
//   GATEWAY_URL    http://127.0.0.1:<search port>
//   DIRECT_URL     the Elasticsearch itself, without credentials: what the same calls answer without the gateway
//   GATEWAY_TOKEN  an API token of the service (password "token")
//   OWN_INDEX      an index the service may write; OWN_INDEX_GZIP another one, written with compression on
//   OWN_PATTERN    a wildcard over the service's indices
//   FOREIGN_INDEX  another tenant's index, holding documents the service must never see
//   MARKER         a word written into every document of this run
// Prints one JSON object: per step, what the client observed. Every call asks for the whole answer ({meta: true}),
// so the product header and the media types the client sent can be reported too.
import { Client } from '@elastic/elasticsearch';
import { Steps, setting, hitIndices, hitTotal } from './steps.mjs';

const node = setting('GATEWAY_URL');
const direct = setting('DIRECT_URL');
const token = setting('GATEWAY_TOKEN');
const ownIndex = setting('OWN_INDEX');
const gzipIndex = setting('OWN_INDEX_GZIP');
const ownPattern = setting('OWN_PATTERN');
const foreignIndex = setting('FOREIGN_INDEX');
const marker = setting('MARKER');

const client = new Client({ node, auth: { username: token, password: 'token' } });
const directClient = new Client({ node: direct });
const steps = new Steps();
const meta = { meta: true };

const line = (i, tag) => ({
  message: `${marker} ${tag} ${i}`,
  level: i % 2 === 0 ? 'INFO' : 'ERROR',
  timestamp: `2026-11-28T10:00:0${i}Z`,
});

/** What every successful answer is checked for: the product header the client's product check reads. */
const answer = (response) => ({ statusCode: response.statusCode, product: response.headers['x-elastic-product'] });

/** The media types the client sent (the Authorization header is not looked at). */
const sent = (response) => ({
  accept: response.meta.request.params.headers.accept,
  contentType: response.meta.request.params.headers['content-type'],
  contentEncoding: response.meta.request.params.headers['content-encoding'],
});

for (const [name, target] of [['info', client], ['infoDirect', directClient]]) {
  await steps.run(name, async () => {
    const response = await target.info({}, meta);
    return { ...answer(response), number: response.body.version?.number };
  });
}

for (const [name, target] of [['ping', client], ['pingDirect', directClient]]) {
  await steps.run(name, async () => {
    const response = await target.ping({}, meta);
    return { ...answer(response), alive: response.body };
  });
}

await steps.run('clusterHealth', async () => {
  const response = await client.cluster.health({}, meta);
  return { ...answer(response), status: response.body.status, ...sent(response) };
});

await steps.run('existsBeforeWrite', async () => {
  const response = await client.indices.exists({ index: ownIndex }, meta);
  return { ...answer(response), exists: response.body };
});

await steps.run('bulk', async () => {
  const operations = [];
  for (let i = 0; i < 5; i++) {
    operations.push({ index: { _index: ownIndex, _id: `plain${i}` } }, line(i, 'plain'));
  }
  const response = await client.bulk({ operations }, meta);
  return { ...answer(response), errors: response.body.errors, items: response.body.items.length, ...sent(response) };
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
  const response = await client.indices.exists({ index: ownIndex }, meta);
  return { ...answer(response), exists: response.body };
});

await steps.run('refresh', async () => {
  const response = await client.indices.refresh({ index: ownIndex }, meta);
  return answer(response);
});

await steps.run('search', async () => {
  const response = await client.search({
    index: ownIndex,
    query: { match: { level: 'ERROR' } },
    sort: [{ timestamp: { order: 'desc' } }],
  }, meta);
  const body = response.body;
  return { ...answer(response), total: hitTotal(body), indices: hitIndices(body), first: body.hits.hits[0]?._source?.message, ...sent(response) };
});

await steps.run('count', async () => {
  const response = await client.count({ index: ownIndex }, meta);
  return { ...answer(response), count: response.body.count };
});

await steps.run('countOverPattern', async () => {
  const response = await client.count({ index: ownPattern, query: { match: { message: marker } } }, meta);
  return { ...answer(response), count: response.body.count };
});

await steps.run('msearch', async () => {
  const response = await client.msearch({
    searches: [
      { index: ownIndex }, { query: { match_all: {} }, size: 20 },
      { index: ownPattern }, { query: { term: { 'level.keyword': 'INFO' } }, size: 20 },
      {}, { query: { match: { message: marker } }, size: 20 },
    ],
  }, meta);
  return {
    ...answer(response),
    ...sent(response),
    responses: response.body.responses.map((r) => ({ status: r.status, error: r.error?.type, total: hitTotal(r), indices: hitIndices(r) })),
  };
});

await steps.run('scrollHelper', async () => {
  let pages = 0;
  const indices = new Set();
  let documents = 0;
  for await (const page of client.helpers.scrollSearch({ index: ownIndex, scroll: '30s', size: 3, query: { match_all: {} } })) {
    pages += 1;
    documents += page.documents.length;
    page.body.hits.hits.forEach((hit) => indices.add(hit._index));
  }
  return { pages, documents, indices: [...indices].sort() };
});

await steps.run('clearScroll', async () => {
  const first = await client.search({ index: ownIndex, scroll: '30s', size: 1, query: { match_all: {} } });
  const response = await client.clearScroll({ scroll_id: first._scroll_id }, meta);
  return { ...answer(response), succeeded: response.body.succeeded, freed: response.body.num_freed };
});

// What Kibana does: a point in time, then a search in it (no index in the path: the point in time names it), then
// closing it.
await steps.run('pointInTime', async () => {
  const opened = await client.openPointInTime({ index: ownIndex, keep_alive: '1m' }, meta);
  const search = await client.search({ pit: { id: opened.body.id, keep_alive: '1m' }, query: { match_all: {} }, size: 20 }, meta);
  const closed = await client.closePointInTime({ id: opened.body.id }, meta);
  return {
    ...answer(search),
    openProduct: opened.headers['x-elastic-product'],
    total: hitTotal(search.body),
    indices: hitIndices(search.body),
    closedStatusCode: closed.statusCode,
    closed: closed.body.succeeded,
  };
});

// Compression as the documentation shows it: gzip request bodies, and gzip answers asked for with Accept-Encoding.
const gzipClient = new Client({ node, auth: { username: token, password: 'token' }, compression: true });

await steps.run('gzipBulk', async () => {
  const operations = [];
  for (let i = 0; i < 5; i++) {
    operations.push({ index: { _index: gzipIndex, _id: `gzip${i}` } }, line(i, 'gzip'));
  }
  const response = await gzipClient.bulk({ operations, refresh: true }, meta);
  return { ...answer(response), errors: response.body.errors, items: response.body.items.length, ...sent(response) };
});

await steps.run('gzipSearch', async () => {
  const response = await gzipClient.search({ index: gzipIndex, query: { match: { message: 'gzip' } }, size: 20 }, meta);
  return {
    ...answer(response),
    ...sent(response),
    total: hitTotal(response.body),
    indices: hitIndices(response.body),
    responseEncoding: response.headers['content-encoding'],
  };
});

await steps.run('foreignSearch', async () => {
  const response = await client.search({ index: foreignIndex, query: { match_all: {} } }, meta);
  return { ...answer(response), total: hitTotal(response.body), indices: hitIndices(response.body) };
});

await steps.run('foreignExists', async () => {
  const response = await client.indices.exists({ index: foreignIndex }, meta);
  return { ...answer(response), exists: response.body };
});

await steps.run('foreignBulk', async () => {
  const response = await client.bulk({ operations: [{ index: { _index: foreignIndex, _id: 'intrusion' } }, line(0, 'intrusion')] }, meta);
  return { ...answer(response), errors: response.body.errors };
});

const wrongToken = new Client({ node, auth: { username: 'not-a-token-of-this-gateway', password: 'token' } });

await steps.run('wrongToken', async () => {
  const response = await wrongToken.search({ index: ownIndex, query: { match_all: {} } }, meta);
  return { ...answer(response), total: hitTotal(response.body) };
});

await Promise.all([client.close(), directClient.close(), gzipClient.close(), wrongToken.close()]);
steps.print();
