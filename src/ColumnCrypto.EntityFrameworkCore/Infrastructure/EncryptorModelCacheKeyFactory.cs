using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ColumnCrypto.EntityFrameworkCore.Infrastructure;

/// <summary>
/// Adds the context's <see cref="ColumnEncryptor"/> to the model cache key. A model's converters hold the encryptor,
/// so contexts with different encryptors (several hosts in one process, tests) need different models, but they can
/// share EF's internal service provider: EF throws once a process has built more than twenty of those.
/// </summary>
internal sealed class EncryptorModelCacheKeyFactory(IModelCacheKeyFactory inner) : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (inner.Create(context, designTime), context.GetService<IDbContextOptions>().FindExtension<ColumnEncryptionOptionsExtension>()?.Encryptor);
}
