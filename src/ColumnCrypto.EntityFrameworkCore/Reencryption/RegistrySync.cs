using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>Records a DI-registered context's encrypted columns in the registry.</summary>
internal static class RegistrySync
{
    public static async Task SyncAsync<TContext>(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetService<IDbContextFactory<TContext>>() is { } factory
            ? factory.CreateDbContext()
            : scope.ServiceProvider.GetRequiredService<TContext>();
        try
        {
            var registry = new EncryptedColumnRegistry(ColumnCryptoDatabase.FromContext(context),
                scope.ServiceProvider.GetService<ILogger<EncryptedColumnRegistry>>(), scope.ServiceProvider.GetService<TimeProvider>());
            await registry.SyncAsync(context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A context from the factory is ours to dispose; one from the scope is disposed with it (disposing twice is harmless).
            await context.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Records <typeparamref name="TContext"/>'s encrypted columns in the registry when the host starts (registered by
/// <c>UseDbContextKeyStore&lt;TContext&gt;()</c>), so operator tools see them. It runs in the background and never
/// blocks or fails start-up: before the migration that creates the registry table is applied it logs a warning.
/// </summary>
internal sealed class EncryptedColumnRegistrySyncService<TContext>(IServiceProvider services, ILogger<EncryptedColumnRegistrySyncService<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RegistrySync.SyncAsync<TContext>(services, logger, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            ReencryptionLog.RegistrySyncFailed(logger, e, typeof(TContext).Name);
        }
    }
}
