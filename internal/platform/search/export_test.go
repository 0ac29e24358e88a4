package search

// SearchBenchmark lets the API benchmark (package search_test) time the app's
// handler over the same generated documents and queries as BenchmarkSearch.
var SearchBenchmark = searchBenchmark
