using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.Registry;

/// <summary>Runs every registered <see cref="IEncryptedColumnRecorder"/> against the registry.</summary>
internal sealed class EncryptedColumnRecording(IEnumerable<IEncryptedColumnRecorder> recorders, EncryptedColumnRegistry registry)
{
    public async Task RecordAllAsync(CancellationToken cancellationToken)
    {
        foreach (var recorder in recorders)
        {
            await recorder.RecordAsync(registry, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Records the encrypted columns when the host starts, so operator tools see them. It runs in the background and
/// never blocks or fails start-up: before ColumnCrypto's tables exist it logs a warning that says how to create them.
/// </summary>
internal sealed class EncryptedColumnRecordingService(IEnumerable<IEncryptedColumnRecorder> recorders, EncryptedColumnRegistry registry, ILogger<EncryptedColumnRecordingService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var recorder in recorders)
        {
            try
            {
                await recorder.RecordAsync(registry, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                RegistryLog.RegistrySyncFailed(logger, e, recorder.Name);
            }
        }
    }
}
