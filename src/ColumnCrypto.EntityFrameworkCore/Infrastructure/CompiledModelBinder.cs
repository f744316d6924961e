using ColumnCrypto.EntityFrameworkCore.Metadata;
using ColumnCrypto.EntityFrameworkCore.Storage;
using ColumnCrypto.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ColumnCrypto.EntityFrameworkCore.Infrastructure;

/// <summary>
/// Binds the encrypted properties of an EF Core compiled model to the context's encryptor before EF initializes the
/// model (type mappings and the relational model are derived from the converters then): generated code holds placeholder converters (<see cref="CompiledModelEncryption"/>), which are replaced by
/// the converters the convention attaches to a model built at run time, so encryption, lookups, the query guard and the
/// column registry work the same on both. A compiled model is one object for the process, so it is bound to one
/// ColumnCrypto configuration: a second one with another encryptor is refused. Models built at run time already carry
/// their encryptor's converters (each encryptor has its own model) and are only marked. (Not a decorated
/// IModelRuntimeInitializer: that is a singleton of EF's internal provider, which options with other encryptors share.)
/// </summary>
internal static class CompiledModelBinder
{
    private const string BoundTo = "ColumnCrypto:BoundEncryptor";

    // The runtime annotation EF sets when it initializes a model (CoreAnnotationNames.ModelDependencies).
    private const string ModelDependencies = "ModelDependencies";
    private static readonly Lock Gate = new();

    /// <summary>
    /// Binds <paramref name="model"/> if it is a compiled model not bound yet: from <c>UseColumnEncryption</c> (after
    /// <c>UseModel</c>); before a query compiles or SaveChanges runs it checks the binding, and explains the order of the
    /// calls when <c>UseModel</c> came after. O(1) once bound.
    /// </summary>
    public static void Bind(IModel? model, IDbContextOptions options)
    {
        if (model is RuntimeModel runtime && options.FindExtension<ColumnEncryptionOptionsExtension>() is { } extension)
        {
            Bind(runtime, extension);
        }
    }

    private static void Bind(RuntimeModel model, ColumnEncryptionOptionsExtension extension)
    {
        if (IsBound(model, extension))
        {
            return;
        }

        lock (Gate)
        {
            if (IsBound(model, extension))
            {
                return;
            }

            var encrypted = ((IModel)model).GetEntityTypes()
                .SelectMany(e => e.GetDeclaredProperties().Select(p => (EntityType: e, Property: p)))
                .Where(p => p.Property.FindAnnotation(EncryptionAnnotations.Storage)?.Value is string)
                .ToList();

            // A model built at run time holds its own encryptor's converters: nothing to bind.
            if (encrypted.Any(p => p.Property.GetValueConverter() is not IEncryptedValueConverter))
            {
                // EF derives the type mappings, and the relational model's column mappings that writes use, from the
                // converters when it initializes the model: binding must come first.
                if (((IModel)model).FindRuntimeAnnotation(ModelDependencies) is not null)
                {
                    throw new InvalidOperationException(
                        "The compiled model was initialized before ColumnCrypto could bind its encrypted properties: call UseModel(...) before " +
                        "UseColumnEncryption(...) on the options builder (options.UseSqlite(...).UseModel(MyContextModel.Instance).UseColumnEncryption(services)).");
                }

                foreach (var (entityType, property) in encrypted)
                {
                    BindProperty(entityType, property, extension);
                }
            }

            model.SetRuntimeAnnotation(BoundTo, extension.Encryptor);
        }
    }

    private static void BindProperty(IEntityType entityType, IProperty property, ColumnEncryptionOptionsExtension extension)
    {
        var storageName = (string)property.FindAnnotation(EncryptionAnnotations.Storage)!.Value!;
        var column = EncryptedPropertyConvention.ResolveColumn(entityType, property);
        var searchable = property.FindAnnotation(EncryptionAnnotations.Searchable)?.Value is string normalization
            ? EncryptedPropertyConvention.CreateSearchable(entityType, property, column, Enum.Parse<BlindIndexNormalization>(normalization),
                extension.BlindIndex ?? throw new InvalidOperationException(
                    $"Property '{entityType.DisplayName()}.{property.Name}' of the compiled model is searchable, which needs ColumnCrypto's blind index: configure the context with UseColumnEncryption(services)."))
            : null;
        var converter = EncryptedValueConverterFactory.Create(property.ClrType, Enum.Parse<EncryptedStorage>(storageName), extension.Encryptor, column,
            extension.AllowPlaintextReads, searchable);
        var runtimeProperty = (RuntimeProperty)property;
#pragma warning disable EF1001 // Internal EF API: the same call the compiled model's generated code makes to set the converter.
        runtimeProperty.SetValueConverter(converter);
#pragma warning restore EF1001
    }

    private static bool IsBound(RuntimeModel model, ColumnEncryptionOptionsExtension extension) => ((IModel)model).FindRuntimeAnnotationValue(BoundTo) switch
    {
        null => false,
        var bound when ReferenceEquals(bound, extension.Encryptor) => true,
        _ => throw new InvalidOperationException(
            "This compiled model's encrypted properties are bound to another ColumnCrypto configuration (another service provider's encryptor). A compiled model " +
            "is one object for the process, so it serves one ColumnCrypto configuration: use one service provider, or a model built at run time for the others."),
    };
}
