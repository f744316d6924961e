using System.Diagnostics.CodeAnalysis;
using ColumnCrypto.Data.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.EntityFrameworkCore.Hosting;

/// <summary>Records <typeparamref name="TContext"/>'s encrypted columns, read from its model, in the registry.</summary>
internal sealed class ModelColumnRecorder<[DynamicallyAccessedMembers(ContextTypes.Members)] TContext>(IServiceProvider services, ILogger<ModelColumnRecorder<TContext>> logger) : IEncryptedColumnRecorder
    where TContext : DbContext
{
    public string Name => typeof(TContext).Name;

    public async Task RecordAsync(EncryptedColumnRegistry registry, CancellationToken cancellationToken)
    {
        await using var lease = new ContextLease<TContext>(services);
        await ModelEncryptedColumns.RecordAsync(lease.Context, registry, logger, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EncryptedColumnRegistration>> GetColumnsAsync(CancellationToken cancellationToken)
    {
        await using var lease = new ContextLease<TContext>(services);
        return ModelEncryptedColumns.Read(lease.Context, out _);
    }
}
