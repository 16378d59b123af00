using CmafOrigin.TestSupport;

[assembly: AssemblyFixture(typeof(MachineTurn))]
