using ColumnCrypto.Data.Schema;
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
/// never blocks or fails start-up: where ColumnCrypto's tables are missing it logs a warning that names them and says
/// how to create them.
/// </summary>
internal sealed class EncryptedColumnRecordingService(
    IEnumerable<IEncryptedColumnRecorder> recorders,
    EncryptedColumnRegistry registry,
    ColumnCryptoDatabase database,
    ILogger<EncryptedColumnRecordingService> logger)
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
                await ReportAsync(e, recorder.Name, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReportAsync(Exception failure, string source, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> missing;
        try
        {
            missing = await ColumnCryptoSchema.FindMissingTablesAsync(database, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            missing = []; // the database itself is the problem: the failure says so
        }

        if (missing.Count > 0)
        {
            RegistryLog.RegistryTablesMissing(logger, source, string.Join(" or ", missing), ColumnCryptoSchema.HowToCreate);
        }
        else
        {
            RegistryLog.RegistrySyncFailed(logger, failure, source);
        }
    }
}
