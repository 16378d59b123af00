using CmafOrigin.TestSupport;

[assembly: AssemblyFixture(typeof(MachineTurn))]
[assembly: AssemblyFixture(typeof(RedisServer))]
