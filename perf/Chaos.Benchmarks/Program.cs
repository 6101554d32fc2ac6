using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Chaos.Benchmarks.PermissionBenchmarks).Assembly).Run(args);
