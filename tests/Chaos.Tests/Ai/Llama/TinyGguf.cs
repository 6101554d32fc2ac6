using System.Text;

namespace Chaos.Tests.Ai.Llama;

/// <summary>
/// Writes a tiny llama-architecture model in GGUF (version 3) with random weights, for running llama.cpp in tests
/// without any model download: 2 blocks, 64-wide embeddings, 4 heads, a 128-wide feed-forward layer, ≈ 115 K parameters
/// in F32. Its tokenizer is SentencePiece-style ("llama") with <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c> and
/// the 256 byte tokens <c>&lt;0x00&gt;</c>…<c>&lt;0xFF&gt;</c>, so any text tokenizes (byte fallback) and any byte can be
/// produced. The weights come from a fixed xorshift sequence: the same file every time, so greedy output is repeatable.
/// What it says is nonsense; it exists to exercise plumbing, streaming, cancellation and constrained sampling.
/// </summary>
public static class TinyGguf
{
    public const string Name = "chaos-tiny-random";

    public const int ContextLength = 4096;

    private const int Embedding = 64;
    private const int Heads = 4;
    private const int Blocks = 2;
    private const int FeedForward = 128;
    private const int Alignment = 32;

    // GGUF metadata value types and the ggml tensor type used (docs of the format: ggml's gguf.h).
    private const uint TypeUInt32 = 4;
    private const uint TypeInt32 = 5;
    private const uint TypeFloat32 = 6;
    private const uint TypeString = 8;
    private const uint TypeArray = 9;
    private const uint TensorF32 = 0;

    // llama.cpp token types.
    private const int TokenUnknown = 2;
    private const int TokenControl = 3;
    private const int TokenByte = 6;

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public static void Write(string path)
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { TokenUnknown, TokenControl, TokenControl };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(TokenByte);
        }

        var metadata = new List<(string Key, Action<BinaryWriter> Value)>();
        void UInt32(string key, uint value) => metadata.Add((key, w => { w.Write(TypeUInt32); w.Write(value); }));
        void Text(string key, string value) => metadata.Add((key, w => { w.Write(TypeString); WriteString(w, value); }));

        Text("general.architecture", "llama");
        Text("general.name", Name);
        UInt32("general.alignment", Alignment);
        UInt32("llama.context_length", ContextLength);
        UInt32("llama.embedding_length", Embedding);
        UInt32("llama.block_count", Blocks);
        UInt32("llama.feed_forward_length", FeedForward);
        UInt32("llama.attention.head_count", Heads);
        UInt32("llama.attention.head_count_kv", Heads);
        UInt32("llama.rope.dimension_count", Embedding / Heads);
        metadata.Add(("llama.attention.layer_norm_rms_epsilon", w => { w.Write(TypeFloat32); w.Write(1e-5f); }));
        Text("tokenizer.ggml.model", "llama");
        metadata.Add(("tokenizer.ggml.tokens", w => WriteArray(w, TypeString, tokens, t => WriteString(w, t))));
        metadata.Add(("tokenizer.ggml.scores", w => WriteArray(w, TypeFloat32, tokens, _ => w.Write(0f))));
        metadata.Add(("tokenizer.ggml.token_type", w => WriteArray(w, TypeInt32, types, w.Write)));
        UInt32("tokenizer.ggml.unknown_token_id", 0);
        UInt32("tokenizer.ggml.bos_token_id", 1);
        UInt32("tokenizer.ggml.eos_token_id", 2);

        var vocabulary = tokens.Count;
        var tensors = new List<(string Name, long[] Shape, bool Norm)> { ("token_embd.weight", [Embedding, vocabulary], false) };
        for (var i = 0; i < Blocks; i++)
        {
            tensors.Add(($"blk.{i}.attn_norm.weight", [Embedding], true));
            tensors.Add(($"blk.{i}.attn_q.weight", [Embedding, Embedding], false));
            tensors.Add(($"blk.{i}.attn_k.weight", [Embedding, Embedding], false));
            tensors.Add(($"blk.{i}.attn_v.weight", [Embedding, Embedding], false));
            tensors.Add(($"blk.{i}.attn_output.weight", [Embedding, Embedding], false));
            tensors.Add(($"blk.{i}.ffn_norm.weight", [Embedding], true));
            tensors.Add(($"blk.{i}.ffn_gate.weight", [Embedding, FeedForward], false));
            tensors.Add(($"blk.{i}.ffn_up.weight", [Embedding, FeedForward], false));
            tensors.Add(($"blk.{i}.ffn_down.weight", [FeedForward, Embedding], false));
        }

        tensors.Add(("output_norm.weight", [Embedding], true));
        tensors.Add(("output.weight", [Embedding, vocabulary], false));

        using var file = File.Create(path);
        using var writer = new BinaryWriter(file, Encoding.UTF8);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(writer, key);
            value(writer);
        }

        // Tensor infos: name, dimensions (innermost first), type, offset into the aligned data section.
        ulong offset = 0;
        foreach (var (name, shape, _) in tensors)
        {
            WriteString(writer, name);
            writer.Write((uint)shape.Length);
            foreach (var dimension in shape)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write(TensorF32);
            writer.Write(offset);
            offset += Aligned((ulong)(Count(shape) * sizeof(float)));
        }

        Pad(writer);
        var state = 0x9E3779B97F4A7C15UL;
        foreach (var (_, shape, norm) in tensors)
        {
            var scale = 2f / MathF.Sqrt(shape[0]);
            for (long i = 0; i < Count(shape); i++)
            {
                if (norm)
                {
                    writer.Write(1f);
                    continue;
                }

                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                var unit = (state >> 40) / (float)(1 << 24);
                writer.Write(((unit * 2) - 1) * scale);
            }

            Pad(writer);
        }
    }

    private static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    private static ulong Aligned(ulong size) => (size + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        while (writer.BaseStream.Position % Alignment != 0)
        {
            writer.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteArray<T>(BinaryWriter writer, uint type, IReadOnlyCollection<T> items, Action<T> write)
    {
        writer.Write(TypeArray);
        writer.Write(type);
        writer.Write((ulong)items.Count);
        foreach (var item in items)
        {
            write(item);
        }
    }
}
