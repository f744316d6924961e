using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>Every configuration mistake is reported with the file, line and dotted setting, and how to fix it.</summary>
public sealed class YamlErrorTests
{
    internal const string ValidKms = """
        plugins:
          awsKms:
            plugin: awsKms
            isKms: true
            keyId: alias/app
            region: eu-west-1
        """;

    [Fact]
    public void Misspelled_setting_names_file_line_and_suggestion()
    {
        var error = LoadError("""
            schedule:
              dataKeyRollOverLenght: 30
            """);

        AssertLocation(error, 2, "schedule.dataKeyRollOverLenght");
        Assert.Contains("schedule.dataKeyRollOverLenght is not a known setting", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'dataKeyRollOverLength'?", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("DataKeyRollOverLength", "dataKeyRollOverLength")]
    [InlineData("datakeyrolloverlength", "dataKeyRollOverLength")]
    [InlineData("rollOverCheckIntervall", "rollOverCheckInterval")]
    public void Setting_names_are_case_sensitive_and_misspellings_get_a_suggestion(string written, string meant)
    {
        var error = LoadError($"""
            schedule:
              {written}: 30
            """);

        AssertLocation(error, 2, $"schedule.{written}");
        Assert.Contains($"Did you mean '{meant}'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("case-sensitive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Misspelled_nested_kms_setting_gets_a_suggestion()
    {
        var error = LoadError(ValidKms + "\n    regoin: us-east-1");

        AssertLocation(error, 7, "plugins.awsKms.regoin");
        Assert.Contains("Did you mean 'region'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_that_is_not_a_plain_name_is_rejected_without_echoing_it()
    {
        var error = LoadError("""
            schedule:
              dataKeyRollOverLength:30: x
            """);

        AssertLocation(error, 2, "schedule");
        Assert.Contains("a key under 'schedule' is not a setting name", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(":30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_at_the_wrong_level_suggests_where_it_belongs()
    {
        var error = LoadError("dataKeyRollOverLength: 30");

        AssertLocation(error, 1, "dataKeyRollOverLength");
        Assert.Contains("Did you mean 'schedule.dataKeyRollOverLength'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_top_level_section_lists_the_known_sections()
    {
        var error = LoadError("""
            schedule:
              dataKeyRollOverLength: 30
            retention:
              days: 10
            """);

        AssertLocation(error, 3, "retention");
        Assert.Contains("'retention' is not a known section", error.Message, StringComparison.Ordinal);
        Assert.Contains("schedule, plugins, masterKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_plugin_says_no_such_plugin_is_registered_and_how_to_register_one()
    {
        var error = LoadError("""
            plugins:
              azureKeyVault:
                isKms: true
            """);

        AssertLocation(error, 2, "plugins.azureKeyVault");
        Assert.Equal(
            "columncrypto.yaml:2: plugins.azureKeyVault: no ColumnCrypto plugin named 'azureKeyVault' is registered. To use it, add the " +
            "plugin's package and call its registration method, by convention .AddAzureKeyVault(), on the builder AddColumnCrypto returns; " +
            "otherwise remove the section. Registered plugins: awsKms (names are case-sensitive).",
            error.Message);
    }

    [Fact]
    public void Plugin_name_with_wrong_case_suggests_awsKms()
    {
        var error = LoadError("""
            plugins:
              AwsKMS:
                isKms: true
            """);

        AssertLocation(error, 2, "plugins.AwsKMS");
        Assert.Contains("Did you mean 'awsKms'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollover_length_that_is_not_a_number_names_the_value_and_how_to_fix_it()
    {
        var error = LoadError("""
            schedule:

              dataKeyRollOverLength: abc
            """);

        AssertLocation(error, 3, "schedule.dataKeyRollOverLength");
        Assert.Equal(
            "columncrypto.yaml:3: schedule.dataKeyRollOverLength must be a whole number of days from 1 to 36500 (100 years), but is 'abc'. " +
            "Set it to the rollover length in days (default 365).",
            error.Message);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("''")]
    public void Rollover_length_must_be_a_whole_number_in_range(string value)
    {
        var error = LoadError($"schedule:\n  dataKeyRollOverLength: {value}");

        AssertLocation(error, 2, "schedule.dataKeyRollOverLength");
        Assert.Contains("must be a whole number of days from 1 to 36500 (100 years)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_rollover_length_is_reported_as_empty()
    {
        var error = LoadError("schedule:\n  dataKeyRollOverLength:\n");

        AssertLocation(error, 2, "schedule.dataKeyRollOverLength");
        Assert.Contains("but is empty.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_where_a_number_belongs_is_a_type_error()
    {
        var error = LoadError("""
            schedule:
              dataKeyRollOverLength:
                days: 30
            """);

        AssertLocation(error, 3, "schedule.dataKeyRollOverLength");
        Assert.Contains("must be a whole number of days from 1 to 36500 (100 years), but is a mapping", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_where_a_text_belongs_is_a_type_error()
    {
        var error = LoadError(ValidKms.Replace("region: eu-west-1", "region: [eu-west-1, us-east-1]", StringComparison.Ordinal));

        AssertLocation(error, 6, "plugins.awsKms.region");
        Assert.Contains("must be an AWS region name, but is a list", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void Non_positive_rollover_length_is_rejected(string value)
    {
        var error = LoadError($"schedule:\n  dataKeyRollOverLength: {value}");

        AssertLocation(error, 2, "schedule.dataKeyRollOverLength");
        Assert.Equal(
            $"columncrypto.yaml:2: schedule.dataKeyRollOverLength must be a whole number of days from 1 to 36500 (100 years), but is '{value}'. " +
            "Set it to the rollover length in days (default 365).",
            error.Message);
    }

    [Theory]
    [InlineData("schedule", "dataKeyRollOverLength", "36501", "a whole number of days from 1 to 36500 (100 years)")]
    [InlineData("schedule", "dataKeyRollOverLength", "3000000", "a whole number of days from 1 to 36500 (100 years)")]
    [InlineData("schedule", "dataKeyRollOverLength", "2147483647", "a whole number of days from 1 to 36500 (100 years)")]
    [InlineData("schedule", "rollOverCheckInterval", "43201", "a whole number of minutes from 1 to 43200 (30 days)")]
    [InlineData("schedule", "rollOverCheckInterval", "2147483647", "a whole number of minutes from 1 to 43200 (30 days)")]
    [InlineData("schedule", "maxEncryptionsPerKey", "4294967297", "a whole number from 1 to 4294967296 (2^32)")]
    [InlineData("reencryption", "interval", "2147483647", "a whole number of minutes from 1 to 43200 (30 days)")]
    [InlineData("reencryption", "pauseBetweenBatches", "600001", "a whole number of milliseconds from 0 to 600000 (10 minutes)")]
    [InlineData("reencryption", "batchSize", "100001", "a whole number from 1 to 100000")]
    [InlineData("reencryption", "workers", "65", "a whole number from 1 to 64")]
    public void Numbers_above_their_upper_bound_are_rejected_with_file_line_and_setting(string section, string setting, string value, string requirement)
    {
        var error = LoadError($"{section}:\n  {setting}: {value}");

        AssertLocation(error, 2, $"{section}.{setting}");
        Assert.Contains($"{section}.{setting} must be {requirement}, but is '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schedule", "dataKeyRollOverLength", "36500")]
    [InlineData("schedule", "rollOverCheckInterval", "43200")]
    [InlineData("reencryption", "interval", "43200")]
    [InlineData("reencryption", "pauseBetweenBatches", "600000")]
    public void Numbers_at_their_upper_bound_load(string section, string setting, string value) =>
        Assert.NotNull(Load($"{section}:\n  {setting}: {value}"));

    [Fact]
    public void Non_positive_rollover_check_interval_is_rejected()
    {
        var error = LoadError("schedule:\n  rollOverCheckInterval: 0");

        AssertLocation(error, 2, "schedule.rollOverCheckInterval");
        Assert.Contains("must be a whole number of minutes from 1 to 43200 (30 days), but is '0'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4294967297")]
    public void Max_encryptions_per_key_must_be_between_1_and_2_pow_32(string value)
    {
        var error = LoadError($"schedule:\n  maxEncryptionsPerKey: {value}");

        AssertLocation(error, 2, "schedule.maxEncryptionsPerKey");
        Assert.Contains($"must be a whole number from 1 to 4294967296 (2^32), but is '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("on")]
    public void IsKms_accepts_only_true_or_false(string value)
    {
        var error = LoadError(ValidKms.Replace("isKms: true", $"isKms: {value}", StringComparison.Ordinal));

        AssertLocation(error, 4, "plugins.awsKms.isKms");
        Assert.Contains($"plugins.awsKms.isKms must be true or false, but is '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_name_both_lines()
    {
        var error = LoadError("""
            schedule:
              dataKeyRollOverLength: 30
              rollOverCheckInterval: 5
              dataKeyRollOverLength: 60
            """);

        AssertLocation(error, 4, "schedule.dataKeyRollOverLength");
        Assert.Contains("schedule.dataKeyRollOverLength is set twice (first on line 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_sections_are_rejected_rather_than_merged()
    {
        var error = LoadError(DocumentationSnippetTests.KmsSnippet + "\n" + DocumentationSnippetTests.CredentialsSnippet);

        AssertLocation(error, 7, "plugins");
        Assert.Contains("plugins is set twice (first on line 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_yaml_syntax_reports_yamldotnets_position()
    {
        var error = LoadError("""
            plugins:
              awsKms:
                keyId: [alias/app}
                region: eu-west-1
            """);

        Assert.Equal(SourceName, error.Source);
        Assert.NotNull(error.Line);
        Assert.StartsWith($"{SourceName}:{error.Line}: the file is not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.Contains($"(line {error.Line}, column ", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
        Assert.Contains("did not find expected ',' or ']' (line 3, column 22)", error.Message, StringComparison.Ordinal);
        Assert.Equal("plugins.awsKms.keyId", error.Setting);
        Assert.IsAssignableFrom<YamlDotNet.Core.YamlException>(error.InnerException);
    }

    [Fact]
    public void Unclosed_bracket_running_to_the_end_of_the_file_is_a_syntax_error()
    {
        // YamlDotNet fails on this with an InvalidOperationException rather than a YamlException.
        var error = LoadError("""
            plugins:
              awsKms:
                keyId: [alias/app
                region: eu-west-1
            """);

        Assert.Equal(3, error.Line);
        Assert.Equal("plugins.awsKms.keyId", error.Setting);
        Assert.StartsWith($"{SourceName}:3: the file is not valid YAML while reading plugins.awsKms.keyId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tab_indentation_is_a_syntax_error_at_its_line()
    {
        var error = LoadError("schedule:\n  dataKeyRollOverLength: 30\n\trollOverCheckInterval: 5\n");

        Assert.StartsWith($"{SourceName}:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Line ?? 0, 2, 3);
    }

    [Theory]
    [InlineData("- schedule\n- plugins", "a list")]
    [InlineData("just some text", "a single value")]
    public void Top_level_that_is_not_a_mapping_is_rejected(string yaml, string kind)
    {
        var error = LoadError(yaml);

        AssertLocation(error, 1, null);
        Assert.Contains($"must be a mapping of sections such as 'schedule:' and 'plugins:', but is {kind}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Section_given_a_value_is_rejected_without_echoing_it()
    {
        var error = LoadError("schedule: 365");

        AssertLocation(error, 1, "schedule");
        Assert.Contains("schedule must be a section with its settings indented under 'schedule:', but is a single value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("365", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kms_without_plugin_is_rejected_at_the_awsKms_line()
    {
        var error = LoadError(ValidKms.Replace("    plugin: awsKms\n", "", StringComparison.Ordinal));

        AssertLocation(error, 2, "plugins.awsKms.plugin");
        Assert.Contains("plugins.awsKms.plugin is missing, but plugins.awsKms.isKms is true", error.Message, StringComparison.Ordinal);
        Assert.Contains("plugin: awsKms", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gcpKms")]
    [InlineData("AwsKms")]
    public void Plugin_other_than_awsKms_is_rejected(string plugin)
    {
        var error = LoadError(ValidKms.Replace("plugin: awsKms", $"plugin: {plugin}", StringComparison.Ordinal));

        AssertLocation(error, 3, "plugins.awsKms.plugin");
        Assert.Contains($"plugins.awsKms.plugin must be 'awsKms', but is '{plugin}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keyId", "    keyId: alias/app\n")]
    [InlineData("region", "    region: eu-west-1")]
    public void Kms_without_key_id_or_region_is_rejected(string setting, string removedLine)
    {
        var error = LoadError(ValidKms.Replace(removedLine, "", StringComparison.Ordinal));

        AssertLocation(error, 2, $"plugins.awsKms.{setting}");
        Assert.Contains($"plugins.awsKms.{setting} is missing or empty, but plugins.awsKms.isKms is true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kms_with_an_empty_key_id_is_rejected_at_its_line()
    {
        var error = LoadError(ValidKms.Replace("keyId: alias/app", "keyId: ''", StringComparison.Ordinal));

        AssertLocation(error, 5, "plugins.awsKms.keyId");
    }

    [Theory]
    [InlineData("kms.eu-west-1.amazonaws.com")]
    [InlineData("ftp://kms.example.com")]
    [InlineData("/kms")]
    public void Service_url_must_be_an_absolute_http_or_https_url(string url)
    {
        var error = LoadError(ValidKms + $"\n    serviceUrl: {url}");

        AssertLocation(error, 7, "plugins.awsKms.serviceUrl");
        Assert.Contains($"plugins.awsKms.serviceUrl must be an absolute http or https URL, but is '{url}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Https_service_url_is_accepted()
    {
        var options = Load(ValidKms + "\n    serviceUrl: https://kms.eu-west-1.amazonaws.com");

        Assert.Equal("https://kms.eu-west-1.amazonaws.com", ActiveKms(options)?.ServiceUrl);
    }

    [Fact]
    public void Access_key_id_without_secret_access_key_is_rejected()
    {
        var error = LoadError(ValidKms + """

                extraKmsConfig:
                  credentials:
                    accessKeyId: AKIAEXAMPLE
            """);

        AssertLocation(error, 8, "plugins.awsKms.extraKmsConfig.credentials.secretAccessKey");
        Assert.Contains("secretAccessKey is missing or empty, but accessKeyId is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_earliest_problem_in_the_file_is_reported_first()
    {
        var error = LoadError("""
            schedule:
              dataKeyRollOverLength: 0
            masterKey:
              file: ''
            """);

        AssertLocation(error, 2, "schedule.dataKeyRollOverLength");
    }

    [Fact]
    public void Empty_master_key_environment_variable_is_rejected()
    {
        var error = LoadError("masterKey:\n  environmentVariable:\n");

        AssertLocation(error, 2, "masterKey.environmentVariable");
        Assert.Contains("must be an environment variable name, but is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_one_yaml_document_is_rejected()
    {
        var error = LoadError("schedule:\n  dataKeyRollOverLength: 30\n---\nschedule:\n  dataKeyRollOverLength: 60\n");

        AssertLocation(error, 3, null);
        Assert.Contains("more than one YAML document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_to_an_undefined_anchor_is_rejected()
    {
        var error = LoadError("schedule:\n  dataKeyRollOverLength: *days\n");

        AssertLocation(error, 2, "schedule.dataKeyRollOverLength");
        Assert.Contains("anchor", error.Message, StringComparison.Ordinal);
    }
}
