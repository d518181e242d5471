// Notebooks change the process's working directory while they run; the runner serialises them anyway, and running
// tests one by one keeps the per-cell console progress of each test readable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
