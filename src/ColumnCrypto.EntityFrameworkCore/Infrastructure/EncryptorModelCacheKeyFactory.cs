using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ColumnCrypto.EntityFrameworkCore.Infrastructure;

/// <summary>
/// Adds the context's <see cref="ColumnEncryptor"/> and blind index to the model cache key. A model's converters hold them,
/// so contexts with different encryptors (several hosts in one process, tests) need different models, but they can
/// share EF's internal service provider: EF throws once a process has built more than twenty of those.
/// </summary>
internal sealed class EncryptorModelCacheKeyFactory(IModelCacheKeyFactory inner) : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime)
    {
        var extension = context.GetService<IDbContextOptions>().FindExtension<ColumnEncryptionOptionsExtension>();
        return (inner.Create(context, designTime), extension?.Encryptor, extension?.BlindIndex);
    }
}
