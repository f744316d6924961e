using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Hosting;

/// <summary>
/// A context for ColumnCrypto's own use: from the registered <see cref="IDbContextFactory{TContext}"/> when there is one,
/// otherwise from a new DI scope; disposed together with that scope.
/// </summary>
internal sealed class ContextLease<[DynamicallyAccessedMembers(ContextTypes.Members)] TContext> : IAsyncDisposable
    where TContext : DbContext
{
    private readonly IServiceScope _scope;

    public ContextLease(IServiceProvider services)
    {
        _scope = services.CreateScope();
        Context = _scope.ServiceProvider.GetService<IDbContextFactory<TContext>>() is { } factory
            ? factory.CreateDbContext()
            : _scope.ServiceProvider.GetRequiredService<TContext>();
    }

    public TContext Context { get; }

    public async ValueTask DisposeAsync()
    {
        // A context from the factory is ours to dispose; one from the scope is disposed with it (disposing twice is harmless).
        await Context.DisposeAsync().ConfigureAwait(false);
        _scope.Dispose();
    }
}
