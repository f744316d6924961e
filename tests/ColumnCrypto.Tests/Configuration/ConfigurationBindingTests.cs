using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Keys;
using ColumnCrypto.Kms.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>
/// <c>AddColumnCrypto(IConfiguration)</c> and <c>AddColumnCrypto()</c>: the YAML file's shape under
/// <c>ColumnCrypto:</c> from appsettings.json, environment variables or any provider, with the YAML's types, rules and
/// messages; settings are named by their configuration key, and the provider they came from is named too.
/// </summary>
public sealed class ConfigurationBindingTests : IDisposable
{
    private const string Canary = "CANARY-SECRET-9f3K";
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void In_memory_settings_bind_in_the_yaml_shape_plugins_included()
    {
        var options = Bind(InMemory(new()
        {
            ["ColumnCrypto:schedule:dataKeyRollOverLength"] = "30",
            ["ColumnCrypto:reencryption:batchSize"] = "250",
            ["ColumnCrypto:plugins:awsKms:plugin"] = "awsKms",
            ["ColumnCrypto:plugins:awsKms:isKms"] = "true",
            ["ColumnCrypto:plugins:awsKms:keyId"] = "alias/app",
            ["ColumnCrypto:plugins:awsKms:region"] = "eu-west-1",
            ["ColumnCrypto:plugins:awsKms:extraKmsConfig:credentials:accessKeyId"] = "AKIAEXAMPLE",
            ["ColumnCrypto:plugins:awsKms:extraKmsConfig:credentials:secretAccessKey"] = Canary,
        }));

        Assert.Equal(30, options.Schedule.DataKeyRollOverLength);
        Assert.Equal(250, options.Reencryption.BatchSize);
        var kms = Assert.IsType<AwsKmsOptions>(options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName));
        Assert.Equal(("awsKms", true, "alias/app", "eu-west-1"), (kms.Plugin, kms.IsKms, kms.KeyId, kms.Region));
        Assert.Equal(Canary, kms.ExtraKmsConfig!.Credentials!.SecretAccessKey!.Reveal());
        Assert.Equal("configuration section 'ColumnCrypto'", options.Source);
    }

    [Fact]
    public void In_memory_value_of_the_wrong_type_names_the_key_and_the_provider()
    {
        var error = BindError(InMemory(new() { ["ColumnCrypto:schedule:dataKeyRollOverLength"] = "abc" }));

        Assert.Equal(
            "MemoryConfigurationProvider: ColumnCrypto:schedule:dataKeyRollOverLength must be a whole number of days from 1 to 36500 (100 years), but is 'abc'. " +
            "Set it to the rollover length in days (default 365).",
            error.Message);
        Assert.Equal("ColumnCrypto:schedule:dataKeyRollOverLength", error.Setting);
        Assert.Equal("MemoryConfigurationProvider", error.Source);
        Assert.Null(error.Line);
    }

    [Fact]
    public void Json_file_settings_bind()
    {
        var options = Bind(Json("""
            { "ColumnCrypto": { "schedule": { "dataKeyRollOverLength": 90 }, "masterKey": { "environmentVariable": "APP_KEY" } } }
            """));

        Assert.Equal(90, options.Schedule.DataKeyRollOverLength);
        Assert.Equal("APP_KEY", options.MasterKey.EnvironmentVariable);
    }

    [Fact]
    public void Json_file_value_of_the_wrong_type_names_the_key_and_the_file()
    {
        var error = BindError(Json("""{ "ColumnCrypto": { "plugins": { "awsKms": { "plugin": "awsKms", "isKms": "yes" } } } }"""));

        Assert.Equal("ColumnCrypto:plugins:awsKms:isKms", error.Setting);
        Assert.StartsWith($"JsonConfigurationProvider for 'appsettings.json' (Required): ColumnCrypto:plugins:awsKms:isKms must be true or false, but is 'yes'.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_list_where_a_value_belongs_is_a_type_error()
    {
        var error = BindError(Json("""{ "ColumnCrypto": { "plugins": { "awsKms": { "region": [ "eu-west-1", "us-east-1" ] } } } }"""));

        Assert.Contains("ColumnCrypto:plugins:awsKms:region must be an AWS region name, but is a list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_rule_violation_fails_validation_naming_the_key_and_the_file()
    {
        var error = ValidationError(Json("""{ "ColumnCrypto": { "plugins": { "awsKms": { "plugin": "awsKms", "isKms": true, "region": "eu-west-1" } } } }"""));

        Assert.Contains(
            "JsonConfigurationProvider for 'appsettings.json' (Required): ColumnCrypto:plugins:awsKms:keyId is missing or empty, " +
            "but ColumnCrypto:plugins:awsKms:isKms is true.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_variables_bind_with_double_underscores_and_any_case()
    {
        using var variables = new EnvironmentVariables(new()
        {
            ["ColumnCrypto__schedule__dataKeyRollOverLength"] = "45",
            ["COLUMNCRYPTO__SCHEDULE__ROLLOVERCHECKINTERVAL"] = "5",
            ["columncrypto__plugins__AWSKMS__keyid"] = "alias/from-env",
        });

        var options = Bind(variables.Configuration());

        Assert.Equal(45, options.Schedule.DataKeyRollOverLength);
        Assert.Equal(5, options.Schedule.RollOverCheckInterval);
        Assert.Equal("alias/from-env", options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName)?.KeyId);
    }

    [Fact]
    public void Environment_variable_of_the_wrong_type_names_the_key_and_the_provider()
    {
        using var variables = new EnvironmentVariables(new() { ["ColumnCrypto__reencryption__workers"] = "many" });

        var error = BindError(variables.Configuration());

        Assert.Equal("ColumnCrypto:reencryption:workers", error.Setting);
        Assert.StartsWith($"EnvironmentVariablesConfigurationProvider Prefix: '{variables.Prefix}': ColumnCrypto:reencryption:workers must be " +
                          "a whole number from 1 to 64, but is 'many'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_provider_named_is_the_one_whose_value_wins()
    {
        using var variables = new EnvironmentVariables(new() { ["ColumnCrypto__schedule__dataKeyRollOverLength"] = "-1" });
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ColumnCrypto:schedule:dataKeyRollOverLength"] = "30" })
            .AddEnvironmentVariables(variables.Prefix)
            .Build();

        var error = ValidationError(root);

        Assert.Contains($"EnvironmentVariablesConfigurationProvider Prefix: '{variables.Prefix}': ColumnCrypto:schedule:dataKeyRollOverLength " +
                        "must be a whole number of days from 1 to 36500 (100 years), but is '-1'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Misspelled_key_gets_the_yaml_suggestion_in_configuration_terms()
    {
        var error = BindError(InMemory(new() { ["ColumnCrypto:schedule:dataKeyRollOverLenght"] = "30" }));

        Assert.Equal(
            "MemoryConfigurationProvider: ColumnCrypto:schedule:dataKeyRollOverLenght is not a known setting. Did you mean 'dataKeyRollOverLength'? " +
            "Allowed under 'ColumnCrypto:schedule': dataKeyRollOverLength, rollOverCheckInterval, maxEncryptionsPerKey, autoGenerateKeys.",
            error.Message);
    }

    [Fact]
    public void Unknown_plugin_section_says_how_to_register_the_plugin()
    {
        var error = BindError(InMemory(new() { ["ColumnCrypto:plugins:vault:isKms"] = "true" }));

        Assert.Equal("ColumnCrypto:plugins:vault", error.Setting);
        Assert.Contains("ColumnCrypto:plugins:vault: no ColumnCrypto plugin named 'vault' is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("by convention .AddVault()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_from_configuration_are_never_shown()
    {
        var wrongType = BindError(InMemory(new()
        {
            ["ColumnCrypto:plugins:awsKms:extraKmsConfig:credentials:secretAccessKey:value"] = Canary,
        }));
        var ruleBroken = ValidationError(InMemory(new()
        {
            ["ColumnCrypto:plugins:awsKms:extraKmsConfig:credentials:secretAccessKey"] = Canary,
        }));

        Assert.Contains("secretAccessKey must be a single text value, but is a mapping (content [redacted])", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("credentials:accessKeyId is missing or empty, but secretAccessKey is set", ruleBroken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, wrongType.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, ruleBroken.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Configure_runs_after_the_section_is_bound()
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(InMemory(new() { ["ColumnCrypto:schedule:dataKeyRollOverLength"] = "30" }).GetSection("ColumnCrypto"),
            o => o.Schedule.DataKeyRollOverLength *= 2);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(60, provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Schedule.DataKeyRollOverLength);
    }

    [Fact]
    public void A_missing_section_leaves_the_defaults()
    {
        var options = Bind(InMemory(new() { ["Logging:LogLevel:Default"] = "Warning" }));

        Assert.Equal(ScheduleOptions.DefaultDataKeyRollOverLength, options.Schedule.DataKeyRollOverLength);
        Assert.Null(options.Source);
    }

    [Fact]
    public void Without_a_source_the_hosts_ColumnCrypto_section_is_bound_and_a_relative_master_key_file_is_under_the_content_root()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ColumnCrypto:schedule:dataKeyRollOverLength"] = "7",
            ["ColumnCrypto:masterKey:file"] = "keys/master.key",
        });
        builder.Services.AddColumnCrypto().WithoutHostedService();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value;

        Assert.Equal(7, options.Schedule.DataKeyRollOverLength);
        Assert.Equal(Path.Combine(_folder.Path, "keys", "master.key"), options.MasterKey.File);
    }

    [Fact]
    public void Without_a_source_or_a_ColumnCrypto_section_the_options_come_from_code_only()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path });
        builder.Services.AddColumnCrypto(o => o.Schedule.DataKeyRollOverLength = 12).WithoutHostedService();
        using var host = builder.Build();

        Assert.Equal(12, host.Services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Schedule.DataKeyRollOverLength);
    }

    [Fact]
    public async Task Host_start_fails_on_a_rule_violation_before_any_hosted_service_runs()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ColumnCrypto:schedule:dataKeyRollOverLength"] = "0" });
        var store = new InMemoryDataKeyStore();
        builder.Services.AddColumnCrypto().UseDataKeyStore(store);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("ColumnCrypto:schedule:dataKeyRollOverLength must be a whole number of days from 1 to 36500 (100 years), but is '0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("MemoryConfigurationProvider", error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Theory]
    [InlineData("3000000")]
    [InlineData("2147483647")]
    public async Task Host_start_with_a_rollover_length_too_large_for_time_arithmetic_names_file_line_and_setting(string days)
    {
        var file = _folder.Write("columncrypto.yaml", $"schedule:\n  dataKeyRollOverLength: {days}\n");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path });
        var store = new InMemoryDataKeyStore();
        builder.Services.AddColumnCrypto(file).UseDataKeyStore(store);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{file}:2: schedule.dataKeyRollOverLength must be a whole number of days from 1 to 36500 (100 years), but is '{days}'", error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task Host_start_fails_on_a_binding_error_with_the_configuration_exception()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ColumnCrypto:schedule:maxEncryptionsPerKey"] = "lots" });
        builder.Services.AddColumnCrypto().UseDataKeyStore(new InMemoryDataKeyStore());
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => host.StartAsync());

        Assert.Equal("ColumnCrypto:schedule:maxEncryptionsPerKey", error.Setting);
    }

    private static IConfigurationRoot InMemory(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private IConfigurationRoot Json(string json)
    {
        _folder.Write("appsettings.json", json);
        return new ConfigurationBuilder().SetBasePath(_folder.Path).AddJsonFile("appsettings.json").Build();
    }

    // As an application does: the configuration is registered, and its ColumnCrypto section is passed.
    private static ServiceProvider Build(IConfigurationRoot root)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(root);
        services.AddColumnCrypto(root.GetSection(ColumnCryptoOptions.SectionName)).AddAwsKms();
        return services.BuildServiceProvider();
    }

    private static ColumnCryptoOptions Bind(IConfigurationRoot root)
    {
        using var provider = Build(root);
        return provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value;
    }

    private static ColumnCryptoConfigurationException BindError(IConfigurationRoot root) =>
        Assert.Throws<ColumnCryptoConfigurationException>(() => Bind(root));

    private static OptionsValidationException ValidationError(IConfigurationRoot root) =>
        Assert.Throws<OptionsValidationException>(() => Bind(root));

    /// <summary>Process environment variables under a prefix of their own (so parallel tests never see them), removed on dispose.</summary>
    private sealed class EnvironmentVariables : IDisposable
    {
        private readonly Dictionary<string, string> _variables;

        public EnvironmentVariables(Dictionary<string, string> variables)
        {
            _variables = variables;
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(Prefix + name, value);
            }
        }

        public string Prefix { get; } = $"CCTEST{Guid.NewGuid():N}_";

        public IConfigurationRoot Configuration() => new ConfigurationBuilder().AddEnvironmentVariables(Prefix).Build();

        public void Dispose()
        {
            foreach (var name in _variables.Keys)
            {
                Environment.SetEnvironmentVariable(Prefix + name, null);
            }
        }
    }
}
