using CmafOrigin.TestSupport;

[assembly: AssemblyFixture(typeof(RedisServer))]
