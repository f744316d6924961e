using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>Options built in code meet the same rules as YAML; failures name the setting.</summary>
public sealed class ColumnCryptoOptionsValidatorTests
{
    private readonly ColumnCryptoOptionsValidator _validator = new(Plugins);

    private static ColumnCryptoOptions KmsOptions()
    {
        var options = new ColumnCryptoOptions();
        options.Plugins.Set(AwsKmsOptions.SectionName, new AwsKmsOptions { Plugin = "awsKms", IsKms = true, KeyId = "alias/app", Region = "eu-west-1" });
        return options;
    }

    [Fact]
    public void Default_options_are_valid()
    {
        Assert.True(_validator.Validate(null, new ColumnCryptoOptions()).Succeeded);
    }

    [Fact]
    public void Kms_options_built_in_code_are_valid()
    {
        Assert.True(_validator.Validate(null, KmsOptions()).Succeeded);
    }

    public static TheoryData<string, Action<ColumnCryptoOptions>, string> Violations => new()
    {
        { "schedule.dataKeyRollOverLength", o => o.Schedule.DataKeyRollOverLength = 0,
            "schedule.dataKeyRollOverLength must be a whole number of days from 1 to 36500 (100 years), but is '0'. Set it to the rollover length in days (default 365)." },
        { "schedule.rollOverCheckInterval", o => o.Schedule.RollOverCheckInterval = -1, "but is '-1'" },
        { "schedule.maxEncryptionsPerKey", o => o.Schedule.MaxEncryptionsPerKey = (1L << 32) + 1, "but is '4294967297'" },
        { "plugins.awsKms.plugin", o => AwsKms(o)!.Plugin = null, "is missing, but plugins.awsKms.isKms is true" },
        { "plugins.awsKms.plugin", o => AwsKms(o)!.Plugin = "vault", "must be 'awsKms', but is 'vault'" },
        { "plugins.awsKms.keyId", o => AwsKms(o)!.KeyId = " ", "is missing or empty" },
        { "plugins.awsKms.region", o => AwsKms(o)!.Region = null, "is missing or empty" },
        { "plugins.awsKms.serviceUrl", o => AwsKms(o)!.ServiceUrl = "localhost:4566", "must be an absolute http or https URL" },
        { "masterKey.environmentVariable", o => o.MasterKey.EnvironmentVariable = "", "must be an environment variable name" },
        { "masterKey.file", o => o.MasterKey.File = "", "must be a file path" },
        { "plugins.awsKms.extraKmsConfig.credentials.accessKeyId",
            o => AwsKms(o)!.ExtraKmsConfig = new() { Credentials = new() { SessionToken = new SecretValue("t") } },
            "accessKeyId is missing or empty, but sessionToken is set" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void Each_rule_fails_with_a_message_naming_the_setting(string setting, Action<ColumnCryptoOptions> breakIt, string expected)
    {
        var options = KmsOptions();
        breakIt(options);

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(setting + " ", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void All_problems_are_reported_together()
    {
        var options = KmsOptions();
        options.Schedule.DataKeyRollOverLength = 0;
        AwsKms(options)!.Region = null;

        var result = _validator.Validate(null, options);

        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void Secret_values_never_appear_in_validation_failures()
    {
        var options = KmsOptions();
        AwsKms(options)!.ExtraKmsConfig = new()
        {
            Credentials = new() { SecretAccessKey = new SecretValue("CANARY-SECRET-123") },
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.DoesNotContain("CANARY-SECRET-123", result.FailureMessage, StringComparison.Ordinal);
    }
}
