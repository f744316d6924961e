using System.Text.Json;
using ColumnCrypto.Configuration;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>A secret's value never shows in an exception, ToString() or serialized options.</summary>
public sealed class SecretRedactionTests
{
    private const string Canary = "CANARY-SECRET-123";

    private const string Head = """
        plugins:
          awsKms:
            plugin: awsKms
            isKms: true
            keyId: alias/app
            region: eu-west-1
            extraKmsConfig:
              credentials:

        """;

    public static TheoryData<string, string> MalformedConfigs => new()
    {
        { "secret given as a mapping", Head + $"        accessKeyId: AKIA\n        secretAccessKey:\n          value: {Canary}" },
        { "secret given as a list", Head + $"        accessKeyId: AKIA\n        sessionToken: [{Canary}]" },
        { "syntax error after the secret", Head + $"        secretAccessKey: {Canary}\n        accessKeyId: [AKIA\n" },
        { "syntax error inside the secret", Head + $"        secretAccessKey: \"{Canary}\n" },
        { "secret with a quote in it", Head + $"        secretAccessKey: {Canary}'\"x: y\n" },
        { "unterminated reference in the secret", Head + $"        accessKeyId: AKIA\n        secretAccessKey: ${{{Canary}" },
        { "secret that looks like a bad reference", Head + $"        accessKeyId: AKIA\n        secretAccessKey: ${{{Canary}}}" },
        { "misspelled secret setting", Head + $"        accessKeyId: AKIA\n        secretAccesKey: {Canary}" },
        { "secret written where the section belongs", Head.TrimEnd() + $" {Canary}" },
        { "secret set twice", Head + $"        accessKeyId: AKIA\n        secretAccessKey: {Canary}\n        secretAccessKey: {Canary}" },
        { "secret without access key id", Head + $"        secretAccessKey: {Canary}" },
        { "secret with keyId missing", Head.Replace("keyId: alias/app", "keyId: ''", StringComparison.Ordinal) + $"        accessKeyId: AKIA\n        secretAccessKey: {Canary}" },
        { "secret that starts like an alias", Head + $"        accessKeyId: AKIA\n        secretAccessKey: *{Canary}" },
        { "secret with a tab", Head + $"        accessKeyId: AKIA\n        secretAccessKey: {Canary}\n\tsessionToken: x" },
    };

    [Theory]
    [MemberData(nameof(MalformedConfigs))]
    public void Canary_secret_in_a_malformed_config_never_appears_in_the_exception(string mistake, string yaml)
    {
        var error = LoadError(yaml);

        Assert.False(error.Message.Contains(Canary, StringComparison.Ordinal), $"{mistake}: {error.Message}");
        Assert.DoesNotContain(Canary, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, error.Setting ?? "", StringComparison.Ordinal);
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            Assert.DoesNotContain(Canary, inner.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secret_with_a_wrong_type_says_redacted()
    {
        var error = LoadError(Head + $"        accessKeyId: AKIA\n        secretAccessKey:\n          value: {Canary}");

        AssertLocation(error, 11, "plugins.awsKms.extraKmsConfig.credentials.secretAccessKey");
        Assert.Contains("but is a mapping (content [redacted])", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loaded_secrets_are_redacted_in_ToString_and_json_but_revealable()
    {
        var options = Load(Head + $"        accessKeyId: AKIA\n        secretAccessKey: {Canary}\n        sessionToken: {Canary}-token");
        var credentials = ActiveKms(options)!.ExtraKmsConfig!.Credentials!;

        Assert.Equal(Canary, credentials.SecretAccessKey!.Reveal());
        Assert.Equal(Canary + "-token", credentials.SessionToken!.Reveal());
        Assert.DoesNotContain(Canary, credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, options.ToString(), StringComparison.Ordinal);
        var json = JsonSerializer.Serialize(options);
        Assert.DoesNotContain(Canary, json, StringComparison.Ordinal);
        Assert.Contains(SecretValue.Redacted, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialized_options_and_ToString_never_show_the_access_key_id_secret_or_token()
    {
        const string AccessKeyId = "CANARY-AKID-5T1Q";
        const string Token = "CANARY-TOKEN-h8Jc";
        var options = Load(Head + $"        accessKeyId: {AccessKeyId}\n        secretAccessKey: {Canary}\n        sessionToken: {Token}");
        var kms = AwsKms(options)!;

        string[] texts =
        [
            JsonSerializer.Serialize(options), JsonSerializer.Serialize(kms), JsonSerializer.Serialize(kms.ExtraKmsConfig),
            options.ToString()!, kms.ToString()!, kms.ExtraKmsConfig!.ToString()!, kms.ExtraKmsConfig.Credentials!.ToString(),
        ];

        foreach (var text in texts)
        {
            foreach (var canary in new[] { AccessKeyId, Canary, Token })
            {
                Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
            }
        }

        // The plugin's options are written with their own type: its other settings are there, its credentials redacted.
        using var json = JsonDocument.Parse(texts[0]);
        var awsKms = json.RootElement.GetProperty("Plugins").GetProperty("awsKms");
        Assert.Equal("alias/app", awsKms.GetProperty("KeyId").GetString());
        var credentials = awsKms.GetProperty("ExtraKmsConfig").GetProperty("Credentials");
        Assert.All(new[] { "AccessKeyId", "SecretAccessKey", "SessionToken" },
            name => Assert.Equal(SecretValue.Redacted, credentials.GetProperty(name).GetString()));
        Assert.Equal(AccessKeyId, kms.ExtraKmsConfig.Credentials.AccessKeyId);
    }

    [Fact]
    public void Secret_from_a_missing_variable_names_only_the_variable()
    {
        var error = LoadError(Head + "        accessKeyId: AKIA\n        secretAccessKey: ${AWS_SECRET_ACCESS_KEY}");

        AssertLocation(error, 10, "plugins.awsKms.extraKmsConfig.credentials.secretAccessKey");
        Assert.Contains("'AWS_SECRET_ACCESS_KEY', which is not set", error.Message, StringComparison.Ordinal);
    }
}
