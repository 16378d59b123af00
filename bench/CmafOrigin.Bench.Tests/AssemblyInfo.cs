using System.Runtime.Versioning;

// Like the load tool it tests: Linux only (redis-server, /proc).
[assembly: SupportedOSPlatform("linux")]
