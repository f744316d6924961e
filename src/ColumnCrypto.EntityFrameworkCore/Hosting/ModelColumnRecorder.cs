using ColumnCrypto.Data.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.EntityFrameworkCore.Hosting;

/// <summary>Records <typeparamref name="TContext"/>'s encrypted columns, read from its model, in the registry.</summary>
internal sealed class ModelColumnRecorder<TContext>(IServiceProvider services, ILogger<ModelColumnRecorder<TContext>> logger) : IEncryptedColumnRecorder
    where TContext : DbContext
{
    public string Name => typeof(TContext).Name;

    public async Task RecordAsync(EncryptedColumnRegistry registry, CancellationToken cancellationToken)
    {
        await using var lease = new ContextLease<TContext>(services);
        await RecordAsync(lease.Context, registry, logger, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EncryptedColumnRegistration>> GetColumnsAsync(CancellationToken cancellationToken)
    {
        await using var lease = new ContextLease<TContext>(services);
        return ModelEncryptedColumns.Read(lease.Context, out _);
    }

    public static async Task<IReadOnlyList<EncryptedColumnRegistration>> RecordAsync(DbContext context, EncryptedColumnRegistry registry, ILogger logger, CancellationToken cancellationToken)
    {
        var columns = ModelEncryptedColumns.Read(context, out var keyless);
        foreach (var table in keyless)
        {
            HostingLog.KeylessTable(logger, table);
        }

        await registry.RegisterAsync(columns, context.GetType().Name, cancellationToken).ConfigureAwait(false);
        return columns;
    }
}
