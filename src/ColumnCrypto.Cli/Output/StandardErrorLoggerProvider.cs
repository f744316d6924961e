using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Cli.Output;

/// <summary>With --verbose: ColumnCrypto's and EF Core's log lines on standard error, one per line.</summary>
internal sealed class StandardErrorLoggerProvider(TextWriter error) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(error, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter error, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            lock (error)
            {
                error.WriteLine($"[{logLevel}] {category}: {formatter(state, exception)}");
            }
        }
    }
}
