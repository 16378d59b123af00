using CmafOrigin.TestSupport;

[assembly: AssemblyFixture(typeof(RedisServer))]
[assembly: AssemblyFixture(typeof(Chromium))]
