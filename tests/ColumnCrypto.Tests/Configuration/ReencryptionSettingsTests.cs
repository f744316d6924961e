using ColumnCrypto.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>The <c>reencryption:</c> section: batch size, interval, pause between batches and workers.</summary>
public sealed class ReencryptionSettingsTests
{
    [Fact]
    public void Defaults_are_batches_of_500_every_60_minutes_with_a_20_ms_pause_and_one_worker()
    {
        var options = Load(string.Empty).Reencryption;

        Assert.Equal(500, options.BatchSize);
        Assert.Equal(60, options.Interval);
        Assert.Equal(20, options.PauseBetweenBatches);
        Assert.Equal(1, options.Workers);
    }

    [Fact]
    public void Every_setting_loads_from_yaml()
    {
        var options = Load("""
            reencryption:
              batchSize: 2000
              interval: 15
              pauseBetweenBatches: 0
              workers: 4
            """).Reencryption;

        Assert.Equal(2000, options.BatchSize);
        Assert.Equal(15, options.Interval);
        Assert.Equal(0, options.PauseBetweenBatches);
        Assert.Equal(4, options.Workers);
    }

    [Theory]
    [InlineData("batchSize", "0", "reencryption.batchSize must be a whole number from 1 to 100000, but is '0'")]
    [InlineData("batchSize", "100001", "but is '100001'")]
    [InlineData("batchSize", "lots", "reencryption.batchSize must be a whole number from 1 to 100000, but is 'lots'")]
    [InlineData("interval", "0", "reencryption.interval must be a whole number of minutes from 1 to 43200 (30 days), but is '0'")]
    [InlineData("pauseBetweenBatches", "-5", "reencryption.pauseBetweenBatches must be a whole number of milliseconds from 0 to 600000 (10 minutes), but is '-5'")]
    [InlineData("workers", "65", "reencryption.workers must be a whole number from 1 to 64, but is '65'")]
    public void Invalid_values_name_the_file_line_and_setting(string setting, string value, string expected)
    {
        var error = LoadError($"""
            schedule:
              dataKeyRollOverLength: 30
            reencryption:
              {setting}: {value}
            """);

        AssertLocation(error, 4, $"reencryption.{setting}");
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Misspelled_setting_gets_a_suggestion()
    {
        var error = LoadError("""
            reencryption:
              batchsize: 10
            """);

        AssertLocation(error, 2, "reencryption.batchsize");
        Assert.Contains("did you mean 'batchSize'?", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Options_built_in_code_are_validated_with_the_same_rules()
    {
        var options = new ColumnCryptoOptions { Reencryption = { Workers = 0 } };

        var result = new ColumnCryptoOptionsValidator(Plugins).Validate(null, options);

        Assert.StartsWith("reencryption.workers must be a whole number from 1 to 64, but is '0'", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void AddColumnCrypto_with_a_yaml_file_keeps_the_reencryption_section()
    {
        using var folder = new TemporaryFolder();
        var file = folder.Write("columncrypto.yaml", "reencryption:\n  batchSize: 250\n  workers: 2\n");
        var services = new ServiceCollection();
        services.AddColumnCrypto(file);

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Reencryption;

        Assert.Equal(250, options.BatchSize);
        Assert.Equal(2, options.Workers);
    }

    [Theory]
    [InlineData(0, 1, 0, "reencryption.batchSize must be a whole number from 1 to 100000, but is '0'")]
    [InlineData(500, 65, 0, "reencryption.workers must be a whole number from 1 to 64, but is '65'")]
    [InlineData(500, 1, -1, "reencryption.pauseBetweenBatches must be a whole number of milliseconds from 0 to 600000 (10 minutes), but is '-1'")]
    public void Options_built_in_code_are_checked_by_the_same_rules(int batchSize, int workers, int pause, string expected)
    {
        var options = new ReencryptionOptions { BatchSize = batchSize, Workers = workers, PauseBetweenBatches = pause };

        var error = Assert.Throws<ColumnCryptoConfigurationException>(options.Validate);

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        new ReencryptionOptions().Validate();
    }

    [Fact]
    public void Automatic_key_creation_is_on_by_default_and_switched_off_in_the_schedule()
    {
        Assert.True(Load(string.Empty).Schedule.AutoGenerateKeys);
        Assert.False(Load("""
            schedule:
              autoGenerateKeys: false
            """).Schedule.AutoGenerateKeys);
    }
}
