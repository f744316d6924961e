using ColumnCrypto.Configuration;
using ColumnCrypto.Data.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// Runs the re-encryption in the background (registered by <c>AddReencryption</c>): records the encrypted columns,
/// runs <see cref="ColumnReencryptor.RunAsync"/>, then waits <c>reencryption.interval</c> minutes. A failed run is
/// logged and retried at the next interval (at most one minute later the first time the database is unreachable at
/// start-up); stopping the host cancels the current batch, which is rolled back.
/// </summary>
internal sealed class ReencryptionService(
    ColumnReencryptor reencryptor,
    EncryptedColumnRecording recording,
    IOptions<ColumnCryptoOptions> options,
    TimeProvider time,
    ILogger<ReencryptionService> logger) : BackgroundService
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
                await recording.RecordAllAsync(stoppingToken).ConfigureAwait(false);
                await reencryptor.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                ReencryptionLog.BackgroundStopped(logger);
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
