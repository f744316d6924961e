using ColumnCrypto.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// Runs the re-encryption in the background (registered by <c>AddReencryption&lt;TContext&gt;()</c>): records the
/// context's encrypted columns, runs <see cref="ColumnReencryptor.RunAsync"/>, then waits <c>reencryption.interval</c>
/// minutes. A failed run is logged and retried at the next interval (at most one minute later the first time the
/// database is unreachable at start-up); stopping the host cancels the current batch, which is rolled back.
/// </summary>
internal sealed class ReencryptionService<TContext>(
    IServiceProvider services,
    ColumnReencryptor reencryptor,
    IOptions<ColumnCryptoOptions> options,
    TimeProvider time,
    ILogger<ReencryptionService<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.Reencryption.Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = interval;
            try
            {
                await RegistrySync.SyncAsync<TContext>(services, logger, stoppingToken).ConfigureAwait(false);
                await reencryptor.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                delay = interval < RetryAfterFailure ? interval : RetryAfterFailure;
                ReencryptionLog.BackgroundRunFailed(logger, e, delay);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
