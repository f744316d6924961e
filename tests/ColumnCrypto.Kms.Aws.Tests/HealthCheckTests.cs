using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>The health check while AWS KMS itself is unreachable (the emulator behind a proxy that goes down).</summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class HealthCheckTests(KmsEmulator kms)
{
    private static readonly EncryptedColumn Email = new("customers", "email");

    private static async Task<HealthReportEntry> CheckAsync(KmsTestHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["columncrypto"];

    [Fact]
    public async Task KMS_down_when_a_new_key_must_be_unwrapped_is_degraded_not_unhealthy_and_healthy_again_when_it_is_back()
    {
        var key = await kms.CreateKeyAsync();
        using var outage = new KmsFaultProxy(kms.Url);
        using var app = KmsTestHost.ForKms(outage.Url, key.KeyId, services: s => s.AddHealthChecks().AddColumnCrypto());
        await app.Keys.InitializeAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(app)).Status);

        // Another instance rotates while KMS is up; then KMS goes down before this one has unwrapped the new key.
        using (var other = KmsTestHost.ForKms(kms.Url, key.KeyId, store: app.Store))
        {
            await other.Keys.RollOverAsync(CancellationToken.None);
        }

        outage.GoDown();
        await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => app.Keys.RefreshAsync(CancellationToken.None));

        var degraded = await CheckAsync(app);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("could not be reached", degraded.Description, StringComparison.Ordinal);
        Assert.Equal("written during the outage", app.Encryptor.Decrypt<string>(Email, app.Encryptor.Encrypt(Email, "written during the outage")));

        outage.ComeBack();
        await app.Keys.RefreshAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(app)).Status);
    }
}
