"""Developer tools: the fixture server behind the tests, the demo and the benchmarks. Not deployed."""
