using System.Text;

namespace DataForge.Projects.Pacs;

/// <summary>
/// Reads a <c>multipart/related</c> body (RFC 2046 5.1, RFC 2387) part by part as it arrives, so a WADO-RS
/// response of a thousand instances is never held in memory: each part's body is copied to a stream the caller
/// gives. The body is <c>[preamble] --B CRLF headers CRLF CRLF body CRLF --B ... CRLF --B-- [epilogue]</c>; a
/// delimiter is CRLF "--" boundary, so the reader keeps the last <c>delimiter length - 1</c> bytes of a buffer back
/// until it knows they do not begin one. A body that ends before the close delimiter is truncated
/// (<see cref="InvalidDataException"/>), never a short last part.
/// </summary>
public sealed class MultipartReader
{
    private readonly Stream _stream;
    private readonly byte[] _delimiter;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private bool _begun;
    private bool _finished;

    /// <param name="stream">The response body.</param>
    /// <param name="boundary">The <c>boundary</c> parameter of the content type, without quotes.</param>
    public MultipartReader(Stream stream, string boundary)
    {
        ArgumentException.ThrowIfNullOrEmpty(boundary);
        _stream = stream;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        _buffer = new byte[Math.Max(1 << 18, _delimiter.Length * 4)];
        // The first delimiter may open the body with no CRLF before it: one is put in front so that every delimiter looks alike.
        _buffer[0] = (byte)'\r';
        _buffer[1] = (byte)'\n';
        _end = 2;
    }

    /// <summary>
    /// Copies the next part's body to <paramref name="destination"/> and returns its headers (names in lower case),
    /// or null after the last part.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>?> ReadPartAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        if (_finished) return null;
        if (!_begun)
        {
            // The preamble is read like a body and dropped.
            await CopyUntilDelimiterAsync(Stream.Null, cancellationToken);
            _begun = true;
            if (await AtCloseAsync(cancellationToken)) return null;
            // A body with no part (as .NET writes one): the boundary line, then at once the close delimiter.
            if (await EnsureAsync(_delimiter.Length + 2, cancellationToken) && _buffer.AsSpan(_start, _delimiter.Length).SequenceEqual(_delimiter)
                && _buffer[_start + _delimiter.Length] == '-' && _buffer[_start + _delimiter.Length + 1] == '-')
            {
                _start += _delimiter.Length + 2;
                _finished = true;
                return null;
            }
        }
        var headers = await ReadHeadersAsync(cancellationToken);
        await CopyUntilDelimiterAsync(destination, cancellationToken);
        if (await AtCloseAsync(cancellationToken)) _finished = true;
        return headers;
    }

    /// <summary>After a delimiter: true for the close delimiter (<c>--</c>); otherwise skips the line's transport padding and CRLF.</summary>
    private async Task<bool> AtCloseAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureAsync(2, cancellationToken)) throw Truncated();
        if (_buffer[_start] == '-' && _buffer[_start + 1] == '-')
        {
            _start += 2;
            return _finished = true;
        }
        var line = await ReadLineAsync(cancellationToken);
        if (line.Trim().Length > 0) throw new InvalidDataException("multipart body: unexpected text after a boundary");
        return false;
    }

    private async Task<Dictionary<string, string>> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.Length == 0) return headers;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new InvalidDataException("multipart body: a part header without ':'");
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
    }

    /// <summary>A line up to CRLF (RFC 5322 header lines are ASCII), without the CRLF.</summary>
    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start + scanned, _end - _start - scanned);
            var at = span.IndexOf("\r\n"u8);
            if (at >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, scanned + at);
                _start += scanned + at + 2;
                return line;
            }
            scanned = Math.Max(0, _end - _start - 1);
            if (_end - _start >= _buffer.Length) throw new InvalidDataException("multipart body: a header line longer than the buffer");
            if (!await FillAsync(cancellationToken)) throw Truncated();
        }
    }

    private async Task CopyUntilDelimiterAsync(Stream destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(_delimiter);
            if (at >= 0)
            {
                await destination.WriteAsync(_buffer.AsMemory(_start, at), cancellationToken);
                _start += at + _delimiter.Length;
                return;
            }
            // The last delimiter-length - 1 bytes may begin a delimiter that the next read completes.
            var safe = _end - _start - (_delimiter.Length - 1);
            if (safe > 0)
            {
                await destination.WriteAsync(_buffer.AsMemory(_start, safe), cancellationToken);
                _start += safe;
            }
            if (!await FillAsync(cancellationToken)) throw Truncated();
        }
    }

    /// <summary>True when at least <paramref name="count"/> unread bytes are buffered (reading more as needed).</summary>
    private async Task<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
            if (!await FillAsync(cancellationToken)) return false;
        return true;
    }

    /// <summary>Moves the unread bytes to the front and reads more; false at the end of the stream.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) return true;
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    private static InvalidDataException Truncated() => new("multipart body: the response ended before its closing boundary (truncated)");
}
