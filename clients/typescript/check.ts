// A TypeScript client as a newcomer would write it: types generated from the served OpenAPI
// document by openapi-typescript (api.d.ts, written beside this file by the test), requests
// by openapi-fetch. It pages every list to its end, fetches every detail, and checks every
// citation against its source's text by code points. Usage: node out/check.js BASE_URL
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Citation = components["schemas"]["CitationPublic"];
type Page<T> = { items: T[]; next?: string | null };

const base = process.argv[2];
if (!base) throw new Error("usage: node out/check.js BASE_URL");
// JSON and problem documents only: lists can also be CSV, and details references to paste
// (CSL-JSON, BibTeX, RIS), which this client does not ask for.
const api = createClient<paths, "application/json" | "application/problem+json">({ baseUrl: base });

function cursorOf(next: string | null | undefined): string | undefined {
  return next ? (new URL(next, base).searchParams.get("cursor") ?? undefined) : undefined;
}

async function all<T>(fetchPage: (cursor?: string) => Promise<Page<T> | undefined>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    if (!page) throw new Error("a page did not arrive");
    items.push(...page.items);
    cursor = cursorOf(page.next);
    if (!cursor) return items;
  }
}

const limit = 3;
const lists = {
  sources: await all((cursor) => api.GET("/v1/sources", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  metrics: await all((cursor) => api.GET("/v1/metrics", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  statistics: await all((cursor) => api.GET("/v1/statistics", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  provisions: await all((cursor) => api.GET("/v1/provisions", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  meetings: await all((cursor) => api.GET("/v1/meetings", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  milestones: await all((cursor) => api.GET("/v1/milestones", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  people: await all((cursor) => api.GET("/v1/people", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  organizations: await all((cursor) => api.GET("/v1/organizations", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  statements: await all((cursor) => api.GET("/v1/statements", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  series: await all((cursor) => api.GET("/v1/series", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  discrepancies: await all((cursor) => api.GET("/v1/discrepancies", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  checks: await all((cursor) => api.GET("/v1/checks", { params: { query: { limit, cursor } } }).then((r) => r.data)),
  timeline: await all((cursor) => api.GET("/v1/timeline", { params: { query: { limit, cursor } } }).then((r) => r.data)),
};

const failures: string[] = [];
const expect = (ok: boolean, what: string) => { if (!ok) failures.push(what); };
for (const [name, items] of Object.entries(lists)) {
  expect(items.length > 0, `${name}: no items`);
  expect(new Set(items.map((i) => i.id)).size === items.length, `${name}: an item came twice`);
}

let details = 0;
for (const s of lists.sources) {
  const { data } = await api.GET("/v1/sources/{source_id}", { params: { path: { source_id: s.id } } });
  expect(data?.id === s.id, `source ${s.id}`); details++;
}
for (const m of lists.metrics) {
  const { data } = await api.GET("/v1/metrics/{metric_id}", { params: { path: { metric_id: m.id } } });
  expect(data?.id === m.id, `metric ${m.id}`); details++;
}
for (const s of lists.series) {
  const { data } = await api.GET("/v1/series/{series_id}", { params: { path: { series_id: s.id } } });
  expect(data?.id === s.id, `series ${s.id}`); details++;
  expect(data?.points.length === s.period_count, `series ${s.id}: the summary miscounts its periods`);
  for (const point of data?.points ?? []) {
    expect(point.reported.length > 0, `series ${s.id}: a period with no figure`);
    if (point.best !== null && point.low !== null && point.high !== null) {
      expect(point.low <= point.best && point.best <= point.high, `series ${s.id}: best outside its interval`);
    }
  }
}
for (const d of lists.discrepancies) {
  const { data } = await api.GET("/v1/discrepancies/{discrepancy_id}", { params: { path: { discrepancy_id: d.id } } });
  expect(data?.id === d.id, `discrepancy ${d.id}`); details++;
}
for (const c of lists.checks) {
  const { data } = await api.GET("/v1/checks/{check_id}", { params: { path: { check_id: c.id } } });
  expect(data?.id === c.id, `check ${c.id}`); details++;
}

const cited: { kind: string; id: string; citations: Citation[] }[] = [];
for (const s of lists.statistics) {
  const { data } = await api.GET("/v1/statistics/{statistic_id}", { params: { path: { statistic_id: s.id } } });
  expect(data?.id === s.id, `statistic ${s.id}`); details++;
  if (data) cited.push({ kind: "statistic", id: data.id, citations: data.citations });
}
for (const p of lists.provisions) {
  const { data } = await api.GET("/v1/provisions/{provision_id}", { params: { path: { provision_id: p.id } } });
  expect(data?.id === p.id, `provision ${p.id}`); details++;
  if (data) cited.push({ kind: "provision", id: data.id, citations: data.citations });
}
for (const m of lists.meetings) {
  const { data } = await api.GET("/v1/meetings/{meeting_id}", { params: { path: { meeting_id: m.id } } });
  expect(data?.id === m.id, `meeting ${m.id}`); details++;
  if (data) cited.push({ kind: "meeting", id: data.id, citations: data.citations });
}
for (const m of lists.milestones) {
  const { data } = await api.GET("/v1/milestones/{milestone_id}", { params: { path: { milestone_id: m.id } } });
  expect(data?.id === m.id, `milestone ${m.id}`); details++;
  if (data) cited.push({ kind: "milestone", id: data.id, citations: data.citations });
}
for (const p of lists.people) {
  const { data } = await api.GET("/v1/people/{person_id}", { params: { path: { person_id: p.id } } });
  expect(data?.id === p.id, `person ${p.id}`); details++;
  if (data) cited.push({ kind: "person", id: data.id, citations: data.citations });
}
for (const o of lists.organizations) {
  const { data } = await api.GET("/v1/organizations/{organization_id}", { params: { path: { organization_id: o.id } } });
  expect(data?.id === o.id, `organization ${o.id}`); details++;
  // a publisher no text names rests on its sources' metadata, not on a quote
  if (data && data.names.length > 0) cited.push({ kind: "organization", id: data.id, citations: data.citations });
  if (data && data.names.length === 0) expect(data.published_sources.length > 0, `organization ${o.id}: uncited and publishes nothing`);
}
for (const s of lists.statements) {
  const { data } = await api.GET("/v1/statements/{statement_id}", { params: { path: { statement_id: s.id } } });
  expect(data?.id === s.id, `statement ${s.id}`); details++;
  if (data) {
    cited.push({ kind: "statement", id: data.id, citations: data.citations });
    expect(data.citations.some((c) => c.quote.includes(data.text)), `statement ${s.id}: text not in its quotes`);
  }
}

// Offsets count code points: index an array of code points, never the UTF-16 string.
const texts = new Map<string, string[]>();
let citations = 0;
for (const fact of cited) {
  expect(fact.citations.length > 0, `${fact.kind} ${fact.id}: no citation`);
  for (const c of fact.citations) {
    let text = texts.get(c.source_id);
    if (!text) {
      const { data } = await api.GET("/v1/sources/{source_id}/text", {
        params: { path: { source_id: c.source_id } },
        parseAs: "text",
      });
      if (data === undefined) throw new Error(`no text for ${c.source_id}`);
      text = Array.from(data);
      texts.set(c.source_id, text);
    }
    const span = text.slice(c.start, c.end).join("");
    expect(span === c.quote, `${fact.kind} ${fact.id}: text[${c.start}:${c.end}] is not its quote`);
    citations++;
  }
}

const { data: found } = await api.GET("/v1/search", { params: { query: { q: "steel" } } });
expect((found?.items.length ?? 0) > 0, "search for steel found nothing");

const { error, response } = await api.GET("/v1/statistics/{statistic_id}", { params: { path: { statistic_id: "no-such-statistic" } } });
expect(response.status === 404 && error?.type === "/problems/not-found", "a missing statistic is a 404 problem");

const counts = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, v.length]));
console.log(JSON.stringify({ counts, details, citations, failures }));
process.exit(failures.length ? 1 : 0);
