import { describe, expect, it } from "vitest";
import { overviewFiltersSchema } from "./overview-filters";
import { foldSearchCase, jobMatchesSearch, preFilterPage, type SearchableJob } from "./overview-search";

const job = (over: Partial<SearchableJob> & { id: string }): SearchableJob & { id: string } => ({
  vmid: 100, guestName: "db-primary", jobId: "100-0", clusterName: "lab", source: "pve1", target: "pve2", comment: null, ...over,
});

describe("the overview's search rule", () => {
  it("matches any of the job's fields as a substring, ignoring ASCII case like SQLite's lower()", () => {
    expect(jobMatchesSearch(job({ id: "a" }), "DB-PRIM")).toBe(true);
    expect(jobMatchesSearch(job({ id: "a" }), "00-0")).toBe(true);
    expect(jobMatchesSearch(job({ id: "a", comment: "Nightly to DR" }), "dr")).toBe(true);
    expect(jobMatchesSearch(job({ id: "a" }), "pve3")).toBe(false);
    // SQLite's lower() leaves "É" as it is, so the browser must not fold it either.
    expect(foldSearchCase("ÉLAN Db")).toBe("Élan db");
    expect(jobMatchesSearch(job({ id: "a", guestName: "Élan" }), "élan")).toBe(false);
    expect(jobMatchesSearch(job({ id: "a", guestName: "Élan" }), "ÉLAN")).toBe(true);
  });
});

describe("pre-filtering the page on screen", () => {
  const filters = (input: Record<string, unknown> = {}) => overviewFiltersSchema.parse(input);
  const page = [job({ id: "a" }), job({ id: "b", vmid: 101, guestName: "web-1", jobId: "101-0" }), job({ id: "c", vmid: 102, guestName: "db-replica", jobId: "102-0" })];

  it("narrows the answer's rows, in the server's order, while a new search is on its way", () => {
    const shown = preFilterPage({ filters: filters({ q: "" }), jobs: page }, filters({ q: "db" }), true);
    expect(shown).toEqual({ jobs: [page[0], page[2]], pending: true, preFiltered: true });
  });

  it("shows the server's answer as it is once it is for the search typed", () => {
    expect(preFilterPage({ filters: filters({ q: "db" }), jobs: page }, filters({ q: "db" }), true)).toEqual({ jobs: page, pending: false, preFiltered: false });
  });

  it("does not pre-filter an answer for another status, cluster or sort: it stays as it is, pending", () => {
    const other = preFilterPage({ filters: filters({ q: "", status: "failing" }), jobs: page }, filters({ q: "db" }), false);
    expect(other).toEqual({ jobs: page, pending: true, preFiltered: false });
    const resorted = preFilterPage({ filters: filters({ q: "", sort: "lag" }), jobs: page }, filters({ q: "db" }), false);
    expect(resorted.preFiltered).toBe(false);
  });

  it("keeps an answer for the same search but another page pending", () => {
    expect(preFilterPage({ filters: filters({ q: "db", page: 2 }), jobs: page }, filters({ q: "db" }), false)).toEqual({ jobs: page, pending: true, preFiltered: false });
  });
});
