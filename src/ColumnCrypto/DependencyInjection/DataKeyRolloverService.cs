using ColumnCrypto.Configuration;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.DependencyInjection;

/// <summary>
/// Loads the data keys when the host starts (so a missing master key or an unreachable KMS stops start-up with a clear
/// error, and no request pays for the first load), then checks the rollover schedule periodically. A host that stops
/// while the keys are loading (SIGTERM during start-up) stops cleanly: one information message, no exception. A failed check
/// (KMS down, database down) is logged and retried sooner; it never mints a key on top of a failed read.
/// </summary>
internal sealed class DataKeyRolloverService(
    IDataKeyManager keys,
    IOptions<ColumnCryptoOptions> options,
    TimeProvider time,
    ILogger<DataKeyRolloverService> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await keys.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // SIGTERM or Ctrl+C while the host starts: stopping is what was asked for, not a failure. Throwing would
            // surface as an unhandled exception from the host's Run; returning lets it stop as usual.
            Log.StartupCancelled(logger);
            return;
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.Schedule.RollOverCheckInterval);
        var delay = interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                await keys.RollOverIfDueAsync(stoppingToken).ConfigureAwait(false);
                delay = interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                delay = interval < RetryAfterFailure ? interval : RetryAfterFailure;
                Log.RolloverCheckFailed(logger, e, delay);
            }
        }
    }
}
