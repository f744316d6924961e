using System.Text.Json;
using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>Explicit credentials work, are warned about once, and never show up in logs, exceptions or serialized options.</summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class SecretHygieneTests(KmsEmulator kms)
{
    private const string CanaryAccessKeyId = "CANARY-AKID-7Q2M";
    private const string CanarySecretAccessKey = "CANARY-SECRET-w9Zp4";
    private const string CanarySessionToken = "CANARY-TOKEN-x3Vb8";
    private static readonly string[] Canaries = [CanaryAccessKeyId, CanarySecretAccessKey, CanarySessionToken];
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task Canary_credentials_never_appear_in_logs_exception_text_or_serialized_options()
    {
        var key = await kms.CreateKeyAsync();
        var seen = new List<string>();

        // Everything going right: start-up, values, rollover, a fresh process.
        using (var host = HostWithCanaries(kms.Url, key.KeyId))
        {
            await host.Keys.InitializeAsync(CancellationToken.None);
            var stored = host.Encryptor.Encrypt(Email, "canary test");
            await host.Keys.RollOverAsync(CancellationToken.None);
            Assert.Equal("canary test", host.Encryptor.Decrypt<string>(Email, stored));
            seen.Add(host.KmsWrapper.ToString());
            seen.AddRange(LogText(host));
        }

        // Everything going wrong: unknown key, KMS unreachable, tampered key row.
        foreach (var (url, keyId) in new[] { (kms.Url, Guid.NewGuid().ToString()), ($"http://127.0.0.1:{MotoServer.FreePort()}", key.KeyId) })
        {
            using var failing = HostWithCanaries(url, keyId);
            seen.Add((await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => failing.Keys.InitializeAsync(CancellationToken.None))).ToString());
            seen.AddRange(LogText(failing));
        }

        var options = CanaryOptions(kms.Url, key.KeyId);
        var awsKms = options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName)!;
        seen.Add(JsonSerializer.Serialize(options));
        seen.Add(JsonSerializer.Serialize(awsKms));
        seen.Add(awsKms.ExtraKmsConfig!.Credentials!.ToString());
        seen.Add(awsKms.ToString()!);

        Assert.NotEmpty(seen);

        // The access key id is not a secret by AWS's definition, but it is kept out of logs, errors and serialized options too.
        foreach (var text in seen)
        {
            foreach (var canary in Canaries)
            {
                Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_options_type_serialized_or_printed_shows_no_credential()
    {
        // Every options object reachable from the options, filled with canary credentials, by type.
        var reachable = new Dictionary<Type, object>();
        Collect(CanaryOptions("http://127.0.0.1:1", "alias/app"), reachable);
        var optionTypes = new[] { typeof(ColumnCryptoOptions).Assembly, typeof(AwsKmsOptions).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsAbstract && (t.Name.EndsWith("Options", StringComparison.Ordinal) || t == typeof(PluginOptionsCollection)))
            .ToList();
        Assert.Contains(typeof(AwsCredentialsOptions), optionTypes);

        foreach (var type in optionTypes)
        {
            // A new options type fails here until this test reaches it (and so checks it).
            Assert.True(reachable.TryGetValue(type, out var instance), $"{type.Name} is not reachable from the options: extend this test to cover it.");
            foreach (var text in new[] { JsonSerializer.Serialize(instance, type), JsonSerializer.Serialize(instance, type, Indented), instance.ToString()!, $"{instance}" })
            {
                foreach (var canary in Canaries)
                {
                    Assert.False(text.Contains(canary, StringComparison.Ordinal), $"{type.Name} shows {canary}: {text}");
                }
            }
        }
    }

    private static void Collect(object? value, Dictionary<Type, object> reachable)
    {
        if (value is null || value is string || value is SecretValue || !reachable.TryAdd(value.GetType(), value))
        {
            return;
        }

        if (value is PluginOptionsCollection plugins)
        {
            foreach (var (_, plugin) in plugins)
            {
                Collect(plugin, reachable);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.PropertyType.Namespace?.StartsWith("ColumnCrypto", StringComparison.Ordinal) == true))
        {
            Collect(property.GetValue(value), reachable);
        }
    }

    [Fact]
    public async Task Explicit_credentials_log_one_not_recommended_warning_and_the_default_chain_none()
    {
        var key = await kms.CreateKeyAsync();
        using var withCredentials = HostWithCanaries(kms.Url, key.KeyId);
        using var withRole = KmsTestHost.ForKms(kms.Url, key.KeyId);

        await withCredentials.Keys.InitializeAsync(CancellationToken.None);
        await withCredentials.Keys.RollOverAsync(CancellationToken.None);
        await withRole.Keys.InitializeAsync(CancellationToken.None);

        var warning = Assert.Single(withCredentials.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("not recommended", warning.Message, StringComparison.Ordinal);
        Assert.Contains("IAM role", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(withRole.Logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    private static ColumnCryptoOptions CanaryOptions(string url, string keyId)
    {
        var options = new ColumnCryptoOptions();
        options.Plugins.Set(AwsKmsOptions.SectionName, new AwsKmsOptions
        {
            Plugin = "awsKms",
            IsKms = true,
            KeyId = keyId,
            Region = KmsEmulator.Region,
            ServiceUrl = url,
            ExtraKmsConfig = new ExtraKmsConfigOptions
            {
                Credentials = new AwsCredentialsOptions
                {
                    AccessKeyId = CanaryAccessKeyId,
                    SecretAccessKey = new SecretValue(CanarySecretAccessKey),
                    SessionToken = new SecretValue(CanarySessionToken),
                },
            },
        });
        return options;
    }

    private static KmsTestHost HostWithCanaries(string url, string keyId) => KmsTestHost.Create(o =>
    {
        o.Plugins = CanaryOptions(url, keyId).Plugins;
        o.MasterKey.EnvironmentVariable = KmsTestHost.UnsetMasterKeyVariable;
    });

    private static IEnumerable<string> LogText(KmsTestHost host) =>
        host.Logs.GetSnapshot().Select(r =>
            $"{r.Message} {r.Exception} {string.Join(", ", r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])}");
}
