// The import tests compare row counts of every table before and after a refused import; tests that write
// must not run beside them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
