using CmafOrigin.Contracts.Archive;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Archive.Tests;

public sealed class ArchiveOptionsTests
{
    [Fact]
    public void Settings_AreReadFromTheArchiveSection_TheDirectoryBeingSharedWithDelivery()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Archive:Directory"] = "/srv/archive",
            ["Archive:EndAfter"] = "00:00:45",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<ArchiveOptions>().BindConfiguration(ArchiveOptions.SectionName);
        services.AddOptions<ArchiveStorageOptions>().BindConfiguration(ArchiveStorageOptions.SectionName);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(45), provider.GetRequiredService<IOptions<ArchiveOptions>>().Value.EndAfter);
        Assert.Equal("/srv/archive", provider.GetRequiredService<IOptions<ArchiveStorageOptions>>().Value.Directory);
    }
}
