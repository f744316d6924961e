using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary><c>${NAME}</c> in any scalar value is replaced by the environment variable NAME.</summary>
public sealed class EnvironmentReferenceTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["KMS_KEY"] = "alias/app",
        ["AWS_REGION"] = "eu-west-1",
        ["ROLLOVER_DAYS"] = "30",
        ["NOT_A_NUMBER"] = "thirty",
        ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG",
        ["EMPTY"] = "",
        ["NESTED"] = "${KMS_KEY}",
    };

    private static string Kms(string keyId) => $"""
        plugins:
          awsKms:
            plugin: awsKms
            isKms: true
            keyId: {keyId}
            region: eu-west-1
        """;

    [Fact]
    public void Reference_is_replaced_by_the_variable()
    {
        var options = Load(Kms("${KMS_KEY}"), Variables);

        Assert.Equal("alias/app", ActiveKms(options)?.KeyId);
    }

    [Fact]
    public void References_work_inside_text_and_in_quoted_values()
    {
        var options = Load(Kms("\"arn:aws:kms:${AWS_REGION}:1234:${KMS_KEY}\""), Variables);

        Assert.Equal("arn:aws:kms:eu-west-1:1234:alias/app", ActiveKms(options)?.KeyId);
    }

    [Fact]
    public void Numbers_are_parsed_after_substitution()
    {
        var options = Load("schedule:\n  dataKeyRollOverLength: ${ROLLOVER_DAYS}", Variables);

        Assert.Equal(30, options.Schedule.DataKeyRollOverLength);
    }

    [Fact]
    public void Dollar_dollar_brace_escapes_a_literal_reference()
    {
        var options = Load(Kms("alias/$${KMS_KEY}-$$x"), Variables);

        Assert.Equal("alias/${KMS_KEY}-$$x", ActiveKms(options)?.KeyId);
    }

    [Fact]
    public void A_variables_value_is_not_expanded_again()
    {
        var options = Load(Kms("${NESTED}"), Variables);

        Assert.Equal("${KMS_KEY}", ActiveKms(options)?.KeyId);
    }

    [Fact]
    public void Secrets_can_come_from_the_environment()
    {
        var options = Load("""
            plugins:
              awsKms:
                plugin: awsKms
                isKms: true
                keyId: alias/app
                region: eu-west-1
                extraKmsConfig:
                  credentials:
                    accessKeyId: AKIAEXAMPLE
                    secretAccessKey: ${AWS_SECRET_ACCESS_KEY}
            """, Variables);

        Assert.Equal("wJalrXUtnFEMI/K7MDENG", ActiveKms(options)?.ExtraKmsConfig?.Credentials?.SecretAccessKey?.Reveal());
    }

    [Fact]
    public void Missing_variable_names_the_variable_setting_and_line()
    {
        var error = LoadError(Kms("${MISSING_KEY}"), Variables);

        AssertLocation(error, 5, "plugins.awsKms.keyId");
        Assert.Contains("plugins.awsKms.keyId refers to the environment variable 'MISSING_KEY', which is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Variable_set_to_empty_text_is_used_as_empty_text()
    {
        var error = LoadError(Kms("${EMPTY}"), Variables);

        AssertLocation(error, 5, "plugins.awsKms.keyId");
        Assert.Contains("keyId is missing or empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unterminated_reference_is_rejected()
    {
        var error = LoadError(Kms("${KMS_KEY"), Variables);

        AssertLocation(error, 5, "plugins.awsKms.keyId");
        Assert.Contains("without a closing '}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_that_is_not_a_variable_name_is_rejected()
    {
        var error = LoadError(Kms("${KMS KEY}"), Variables);

        AssertLocation(error, 5, "plugins.awsKms.keyId");
        Assert.Contains("'${KMS KEY}', which is not an environment variable name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_value_from_a_variable_shows_the_value_and_the_reference()
    {
        var error = LoadError("schedule:\n  dataKeyRollOverLength: ${NOT_A_NUMBER}", Variables);

        AssertLocation(error, 2, "schedule.dataKeyRollOverLength");
        Assert.Contains("but is 'thirty' (from '${NOT_A_NUMBER}')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_names_are_not_expanded()
    {
        var error = LoadError("schedule:\n  ${KEY}: 30", new Dictionary<string, string> { ["KEY"] = "dataKeyRollOverLength" });

        AssertLocation(error, 2, "schedule");
        Assert.Contains("is not a setting name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_without_a_lookup_reads_the_process_environment()
    {
        var name = "COLUMNCRYPTO_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "45");
        try
        {
            var options = ColumnCrypto.Configuration.ColumnCryptoYaml.Parse($"schedule:\n  dataKeyRollOverLength: ${{{name}}}", SourceName, Plugins);

            Assert.Equal(45, options.Schedule.DataKeyRollOverLength);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
