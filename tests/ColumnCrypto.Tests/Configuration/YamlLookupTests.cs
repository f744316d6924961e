using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>The tests here change the process's current directory, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CurrentDirectoryTests
{
    public const string Name = "Changes the current directory";
}

/// <summary>
/// <c>AddColumnCrypto("columncrypto.yaml")</c> reads the file when the options are built, and finds a relative path in
/// the content root, then in the application's base directory, never in the current directory: the application finds
/// its file however it is started (<c>dotnet run --project</c> from elsewhere, the binary from bin/).
/// </summary>
[Collection(CurrentDirectoryTests.Name)]
public sealed class YamlLookupTests : IDisposable
{
    private readonly string _savedDirectory = Environment.CurrentDirectory;
    private readonly TemporaryFolder _contentRoot = new();
    private readonly TemporaryFolder _currentDirectory = new();
    private readonly string _name = $"lookup-{Guid.NewGuid():N}.yaml";
    private readonly string _inBaseDirectory;

    public YamlLookupTests()
    {
        _inBaseDirectory = Path.Combine(AppContext.BaseDirectory, _name);

        // A file of that name where the application is started from: it must never be the one read.
        _currentDirectory.Write(_name, "schedule:\n  dataKeyRollOverLength: 1\n");
        Environment.CurrentDirectory = _currentDirectory.Path;
    }

    public void Dispose()
    {
        Environment.CurrentDirectory = _savedDirectory;
        File.Delete(_inBaseDirectory);
        _contentRoot.Dispose();
        _currentDirectory.Dispose();
    }

    [Fact]
    public void A_relative_file_is_found_in_the_content_root()
    {
        _contentRoot.Write(_name, "schedule:\n  dataKeyRollOverLength: 11\nmasterKey:\n  file: keys/master.key\n");
        File.WriteAllText(_inBaseDirectory, "schedule:\n  dataKeyRollOverLength: 22\n");

        var options = HostOptions();

        Assert.Equal(11, options.Schedule.DataKeyRollOverLength);
        Assert.Equal(Path.Combine(_contentRoot.Path, _name), options.Source);
        Assert.Equal(Path.Combine(_contentRoot.Path, "keys", "master.key"), options.MasterKey.File);
    }

    [Fact]
    public void A_relative_file_is_found_in_the_base_directory_when_the_content_root_lacks_it()
    {
        File.WriteAllText(_inBaseDirectory, "schedule:\n  dataKeyRollOverLength: 22\n");

        Assert.Equal(22, HostOptions().Schedule.DataKeyRollOverLength);
    }

    [Fact]
    public void Without_a_host_a_relative_file_is_found_in_the_base_directory()
    {
        File.WriteAllText(_inBaseDirectory, "schedule:\n  dataKeyRollOverLength: 22\n");

        Assert.Equal(22, ServiceOptions(_name).Schedule.DataKeyRollOverLength);
    }

    [Fact]
    public void A_file_only_in_the_current_directory_is_not_found_and_the_error_lists_every_place_looked_in()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(HostOptions);

        Assert.Equal(_name, error.Source);
        Assert.Null(error.Line);
        Assert.StartsWith($"{_name}: the ColumnCrypto configuration file was not found. Looked in: " +
                          $"{Path.Combine(_contentRoot.Path, _name)} (the content root); {_inBaseDirectory} (the application's base directory). " +
                          "A relative path is looked for there, not in the current directory.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"<None Update=\"{_name}\" CopyToOutputDirectory=\"PreserveNewest\" />", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_currentDirectory.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_path_is_read_as_it_is()
    {
        Assert.Equal(1, ServiceOptions(Path.Combine(_currentDirectory.Path, _name)).Schedule.DataKeyRollOverLength);
    }

    [Fact]
    public void The_file_is_read_when_the_options_are_built_not_when_services_are_registered()
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(_name);
        using var provider = services.BuildServiceProvider();
        File.WriteAllText(_inBaseDirectory, "schedule:\n  dataKeyRollOverLength: 33\n");

        Assert.Equal(33, provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Schedule.DataKeyRollOverLength);
    }

    [Fact]
    public async Task Host_start_fails_with_the_files_error_before_any_hosted_service_runs()
    {
        _contentRoot.Write(_name, "schedule:\n  rollOverCheckInterval: 5\n  dataKeyRollOverLength: 0\n");
        var store = new InMemoryDataKeyStore();
        using var host = BuildHost(builder => builder.Services.AddColumnCrypto(_name).UseDataKeyStore(store));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            $"{Path.Combine(_contentRoot.Path, _name)}:3: schedule.dataKeyRollOverLength must be a whole number of days from 1 to 36500 (100 years), but is '0'. " +
            "Set it to the rollover length in days (default 365).",
            Assert.Single(error.Failures));
        Assert.Empty((await store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task Host_start_fails_when_the_file_is_missing()
    {
        using var host = BuildHost(builder => builder.Services.AddColumnCrypto(_name).UseDataKeyStore(new InMemoryDataKeyStore()));

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => host.StartAsync());

        Assert.Contains("the ColumnCrypto configuration file was not found", error.Message, StringComparison.Ordinal);
    }

    private IHost BuildHost(Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _contentRoot.Path });
        configure(builder);
        return builder.Build();
    }

    private ColumnCryptoOptions HostOptions()
    {
        using var host = BuildHost(builder => builder.Services.AddColumnCrypto(_name).WithoutHostedService());
        return host.Services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value;
    }

    private static ColumnCryptoOptions ServiceOptions(string file)
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(file);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value;
    }
}
