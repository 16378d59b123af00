using System.Runtime.Versioning;

// The tool reads /proc and runs Debian's nginx and redis-server: Linux only.
[assembly: SupportedOSPlatform("linux")]
