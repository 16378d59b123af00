using BenchmarkDotNet.Running;

namespace CmafOrigin.Bench.Micro;

/// <summary>dotnet run -c Release --project bench/CmafOrigin.Bench.Micro -- --filter '*'</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
