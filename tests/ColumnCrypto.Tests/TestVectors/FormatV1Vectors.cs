using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Tests.TestVectors;

/// <summary>The committed file <c>format-v1.json</c>: key rows as the key table stores them, and ciphertexts with their plaintexts.</summary>
internal sealed class FormatV1VectorFile
{
    public string Description { get; set; } = string.Empty;

    public int Format { get; set; }

    /// <summary>The PUBLIC test master key (base64). Never use it for real data.</summary>
    public string MasterKey { get; set; } = string.Empty;

    public string MasterKeyId { get; set; } = string.Empty;

    /// <summary>The clock the decryption test runs at (no key is due for rollover then).</summary>
    public DateTimeOffset Clock { get; set; }

    public List<KeyRow> Keys { get; set; } = [];

    public List<Vector> Vectors { get; set; } = [];

    internal sealed class KeyRow
    {
        public int Version { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset RollOverAt { get; set; }

        public string Status { get; set; } = string.Empty;

        public string WrappingProvider { get; set; } = string.Empty;

        public string WrappingKeyId { get; set; } = string.Empty;

        public string WrappedKey { get; set; } = string.Empty;

        public string Commitment { get; set; } = string.Empty;

        public DataKeyRecord ToRecord() => new()
        {
            Version = Version,
            CreatedAt = CreatedAt,
            RollOverAt = RollOverAt,
            Status = Enum.Parse<DataKeyStatus>(Status),
            WrappingProvider = WrappingProvider,
            WrappingKeyId = WrappingKeyId,
            WrappedKey = Convert.FromBase64String(WrappedKey),
            Commitment = Convert.FromBase64String(Commitment),
        };
    }

    internal sealed class Vector
    {
        public string Table { get; set; } = string.Empty;

        public string Column { get; set; } = string.Empty;

        public string Type { get; set; } = string.Empty;

        /// <summary>The plaintext in the type's canonical invariant text form (see <see cref="VectorTypes"/>).</summary>
        public string Plaintext { get; set; } = string.Empty;

        public int KeyVersion { get; set; }

        /// <summary>The stored value, base64 (also exactly what base64 text storage holds).</summary>
        public string Ciphertext { get; set; } = string.Empty;
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string CommittedPath => Path.Combine(AppContext.BaseDirectory, "TestVectors", "format-v1.json");

    public static FormatV1VectorFile LoadCommitted() =>
        JsonSerializer.Deserialize<FormatV1VectorFile>(File.ReadAllText(CommittedPath), JsonOptions)
        ?? throw new InvalidOperationException("Empty test vector file.");
}

/// <summary>How each vector type is encrypted from, and decrypted back to, its canonical text.</summary>
internal static class VectorTypes
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, (Func<ColumnEncryptor, EncryptedColumn, string, byte[]> Encrypt, Func<ColumnEncryptor, EncryptedColumn, byte[], string> Decrypt)> Types = new()
    {
        ["string"] = Of(s => s, v => v!),
        ["byte[]"] = Of(Convert.FromBase64String, v => Convert.ToBase64String(v!)),
        ["bool"] = Of(bool.Parse, v => v ? "true" : "false"),
        ["short"] = Of(s => short.Parse(s, Inv), v => v.ToString(Inv)),
        ["int"] = Of(s => int.Parse(s, Inv), v => v.ToString(Inv)),
        ["int?"] = Of<int?>(s => int.Parse(s, Inv), v => v!.Value.ToString(Inv)),
        ["long"] = Of(s => long.Parse(s, Inv), v => v.ToString(Inv)),
        ["float"] = Of(s => float.Parse(s, Inv), v => v.ToString("R", Inv)),
        ["double"] = Of(s => double.Parse(s, Inv), v => v.ToString("R", Inv)),
        ["decimal"] = Of(s => decimal.Parse(s, Inv), v => v.ToString(Inv)),
        ["Guid"] = Of(Guid.Parse, v => v.ToString("D")),
        ["DateTime"] = Of(s => DateTime.Parse(s, Inv, DateTimeStyles.RoundtripKind), v => v.ToString("O", Inv)),
        ["DateTimeOffset"] = Of(s => DateTimeOffset.Parse(s, Inv, DateTimeStyles.RoundtripKind), v => v.ToString("O", Inv)),
        ["DateOnly"] = Of(s => DateOnly.ParseExact(s, "O", Inv), v => v.ToString("O", Inv)),
        ["TimeOnly"] = Of(s => TimeOnly.ParseExact(s, "O", Inv), v => v.ToString("O", Inv)),
        ["TimeSpan"] = Of(s => TimeSpan.ParseExact(s, "c", Inv), v => v.ToString("c", Inv)),
        ["enum:Int32Backed"] = Of(Enum.Parse<Int32Backed>, v => v.ToString()),
        ["enum:UInt64Backed"] = Of(Enum.Parse<UInt64Backed>, v => v.ToString()),
        ["enum:Permissions"] = Of(Enum.Parse<Permissions>, v => v.ToString()),
    };

    public static IEnumerable<string> Names => Types.Keys;

    public static byte[] Encrypt(ColumnEncryptor encryptor, FormatV1VectorFile.Vector vector) =>
        Get(vector.Type).Encrypt(encryptor, new EncryptedColumn(vector.Table, vector.Column), vector.Plaintext);

    public static string Decrypt(ColumnEncryptor encryptor, FormatV1VectorFile.Vector vector, byte[] stored) =>
        Get(vector.Type).Decrypt(encryptor, new EncryptedColumn(vector.Table, vector.Column), stored);

    private static (Func<ColumnEncryptor, EncryptedColumn, string, byte[]> Encrypt, Func<ColumnEncryptor, EncryptedColumn, byte[], string> Decrypt) Get(string type) =>
        Types.TryGetValue(type, out var t) ? t : throw new InvalidOperationException($"Unknown vector type '{type}'.");

    private static (Func<ColumnEncryptor, EncryptedColumn, string, byte[]>, Func<ColumnEncryptor, EncryptedColumn, byte[], string>) Of<T>(Func<string, T> parse, Func<T, string> format) =>
        ((e, c, text) => e.Encrypt(c, parse(text)) ?? throw new InvalidOperationException("null ciphertext"),
         (e, c, stored) => format(e.Decrypt<T>(c, stored)!));
}

/// <summary>
/// Writes <c>format-v1.json</c> ONCE. The committed file freezes format version 1 (byte layout, associated data,
/// value encodings, key wrapping and commitment): never regenerate it to make a failing vector test pass.
/// </summary>
public sealed class FormatV1VectorGenerator
{
    /// <summary>Public, fixed test master key: SHA-256 of a label. Never use it for real data.</summary>
    internal static byte[] TestMasterKey => SHA256.HashData(Encoding.ASCII.GetBytes("ColumnCrypto public test master key for format-v1 vectors"));

    internal static byte[] TestDataKey(int version) => SHA256.HashData(Encoding.ASCII.GetBytes($"ColumnCrypto public test data key v{version}"));

    internal static readonly DateTimeOffset V1CreatedAt = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly DateTimeOffset V2CreatedAt = new(2025, 6, 1, 12, 30, 0, TimeSpan.Zero);

    [Fact(Skip = "Generator, run once by hand: the committed TestVectors/format-v1.json freezes format version 1 and must not be regenerated.")]
    public async Task Generate_format_v1_vectors()
    {
        var file = await GenerateAsync();
        File.WriteAllText(Path.Combine(SourceDirectory(), "format-v1.json"), JsonSerializer.Serialize(file, FormatV1VectorFile.JsonOptions) + "\n");
    }

    internal static async Task<FormatV1VectorFile> GenerateAsync()
    {
        using var masterKey = MasterKeyFile.FromBytes(TestMasterKey);
        using var wrapper = masterKey.CreateWrapper();
        var row1 = await KeyRowAsync(wrapper, 1, V1CreatedAt);
        var row2 = await KeyRowAsync(wrapper, 2, V2CreatedAt);
        var clock = V2CreatedAt.AddDays(1);

        var file = new FormatV1VectorFile
        {
            Description = "Frozen ColumnCrypto format version 1 test vectors. The master key is PUBLIC test material: never use it for real data. " +
                "Layout: CC E5 | 01 | key version (uint32 BE) | 12-byte nonce | AES-256-GCM ciphertext | 16-byte tag; " +
                "AAD = first 7 bytes + int32 BE length + UTF-8 table + int32 BE length + UTF-8 column.",
            Format = 1,
            MasterKey = Convert.ToBase64String(TestMasterKey),
            MasterKeyId = wrapper.KeyId,
            Clock = clock,
            Keys = [row1, row2],
        };

        var v1Vectors = new List<FormatV1VectorFile.Vector>
        {
            V("customers", "email", "string", "ada@example.com"),
            V("customers", "middle_name", "string", string.Empty),
            V("customers", "note", "string", "😀𝄞 Ünïcödé ✓ 中文"),
            V("customers", "avatar", "byte[]", Convert.ToBase64String([0, 1, 2, 254, 255])),
            V("customers", "age", "int", "-42"),
            V("customers", "balance_cents", "long", "9007199254740993"),
            V("customers", "balance", "decimal", "-12345.6700"),
            V("customers", "rating", "int?", "5"),
        };
        var v2Vectors = new List<FormatV1VectorFile.Vector>
        {
            V("crm.contacts", "vip", "bool", "true"),
            V("crm.contacts", "floor", "short", "-32768"),
            V("crm.contacts", "score", "double", "3.141592653589793"),
            V("crm.contacts", "ratio", "float", "0.1"),
            V("crm.contacts", "external_id", "Guid", "00112233-4455-6677-8899-aabbccddeeff"),
            V("crm.contacts", "signed_up_utc", "DateTime", "2024-02-29T13:45:12.3456789Z"),
            V("crm.contacts", "signed_up_unspecified", "DateTime", "2024-02-29T13:45:12.3456789"),
            V("crm.contacts", "last_seen", "DateTimeOffset", "2024-02-29T13:45:12.3456789+05:45"),
            V("crm.contacts", "birthday", "DateOnly", "1815-12-10"),
            V("crm.contacts", "wake_up", "TimeOnly", "06:30:15.1234567"),
            V("crm.contacts", "time_zone_shift", "TimeSpan", "-1.02:03:04.5000000"),
            V("crm.contacts", "tier", "enum:Int32Backed", "Negative"),
            V("crm.contacts", "mask", "enum:UInt64Backed", "Max"),
            V("crm.contacts", "permissions", "enum:Permissions", "Read, Execute"),
            V("crm.contacts", "email", "string", "ada@example.com"),
        };

        // Encrypt through the normal DI-built path: first with only v1 in the table, then after v2 was added.
        var store = InMemoryDataKeyStore.From([row1.ToRecord()], null);
        using var instance = CryptoInstance.Create(store, masterKey, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(clock));
        await instance.Keys.RefreshAsync(CancellationToken.None);
        Encrypt(instance.Encryptor, v1Vectors, 1);
        store.Tamper(rows => rows.Add(row2.ToRecord()));
        await instance.Keys.RefreshAsync(CancellationToken.None);
        Encrypt(instance.Encryptor, v2Vectors, 2);

        file.Vectors = [.. v1Vectors, .. v2Vectors];
        return file;
    }

    private static void Encrypt(ColumnEncryptor encryptor, List<FormatV1VectorFile.Vector> vectors, int version)
    {
        foreach (var vector in vectors)
        {
            var stored = VectorTypes.Encrypt(encryptor, vector);
            vector.KeyVersion = ColumnEncryptor.GetKeyVersion(stored) ?? 0;
            Assert.Equal(version, vector.KeyVersion);
            vector.Ciphertext = Convert.ToBase64String(stored);
        }
    }

    private static async Task<FormatV1VectorFile.KeyRow> KeyRowAsync(LocalMasterKeyWrapper wrapper, int version, DateTimeOffset createdAt)
    {
        var dataKey = TestDataKey(version);
        var wrapped = await wrapper.WrapAsync(dataKey, new KeyWrapContext(version), CancellationToken.None);
        return new FormatV1VectorFile.KeyRow
        {
            Version = version,
            CreatedAt = createdAt,
            RollOverAt = createdAt.AddDays(365),
            Status = nameof(DataKeyStatus.Active),
            WrappingProvider = wrapper.Provider,
            WrappingKeyId = wrapper.KeyId,
            WrappedKey = Convert.ToBase64String(wrapped),
            Commitment = Convert.ToBase64String(KeyCommitment.Compute(dataKey, version, createdAt)),
        };
    }

    private static FormatV1VectorFile.Vector V(string table, string column, string type, string plaintext) =>
        new() { Table = table, Column = column, Type = type, Plaintext = plaintext };

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
