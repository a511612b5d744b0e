package dev.embeddedllm.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streaming writer of one float32 safetensors file.
 *
 * <p>
 * The format is an unsigned 64-bit little-endian header length, a JSON header that gives each
 * tensor's dtype, shape and {@code data_offsets} relative to the end of the header, then the
 * raw little-endian data. Because the header needs every offset up front, all tensors are
 * declared when the writer is created. Their data then follows tensor by tensor, in the
 * declared order, through a buffer of {@link #CHUNK_ELEMENTS} floats, so a file of several
 * gigabytes never has to fit in the heap.
 */
final class SafetensorsWriter implements AutoCloseable {

	/** Number of floats generated and written per chunk (4 MiB). */
	static final int CHUNK_ELEMENTS = 1 << 20;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path file;

	private final FileChannel channel;

	private final List<TensorSpec> tensors;

	private final float[] chunk = new float[CHUNK_ELEMENTS];

	private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_ELEMENTS * Float.BYTES)
		.order(ByteOrder.LITTLE_ENDIAN);

	private int nextTensor;

	/**
	 * Name and shape of one float32 tensor.
	 */
	record TensorSpec(String name, long... shape) {

		long elementCount() {
			return Arrays.stream(this.shape).reduce(1, Math::multiplyExact);
		}

	}

	/**
	 * Source of a tensor's values in row-major order.
	 */
	@FunctionalInterface
	interface ValueSource {

		/**
		 * Fills {@code values[0, count)} with the next {@code count} values of the tensor.
		 */
		void fill(float[] values, int count);

	}

	private SafetensorsWriter(Path file, FileChannel channel, List<TensorSpec> tensors) {
		this.file = file;
		this.channel = channel;
		this.tensors = tensors;
	}

	/**
	 * Creates or truncates {@code file} and writes the header of {@code tensors}.
	 */
	static SafetensorsWriter create(Path file, List<TensorSpec> tensors) throws IOException {
		byte[] header = header(tensors);
		FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING);
		try {
			ByteBuffer prefix = ByteBuffer.allocate(Long.BYTES + header.length).order(ByteOrder.LITTLE_ENDIAN);
			prefix.putLong(header.length).put(header).flip();
			writeFully(channel, prefix);
			return new SafetensorsWriter(file, channel, List.copyOf(tensors));
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Builds the JSON header, padded with spaces so that the data section starts at a
	 * multiple of 8 bytes. Trailing spaces keep the header valid JSON.
	 */
	private static byte[] header(List<TensorSpec> tensors) {
		ObjectNode root = JSON.createObjectNode();
		root.putObject("__metadata__").put("format", "pt");
		long offset = 0;
		for (TensorSpec tensor : tensors) {
			long end = offset + tensor.elementCount() * Float.BYTES;
			ObjectNode entry = root.putObject(tensor.name());
			entry.put("dtype", "F32");
			Arrays.stream(tensor.shape()).forEach(entry.putArray("shape")::add);
			entry.putArray("data_offsets").add(offset).add(end);
			offset = end;
		}
		String json = JSON.writeValueAsString(root);
		int length = json.getBytes(StandardCharsets.UTF_8).length;
		int padding = (8 - (Long.BYTES + length) % 8) % 8;
		return (json + " ".repeat(padding)).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Writes the data of the next declared tensor.
	 * @throws IllegalStateException if {@code name} is not the next declared tensor
	 */
	void writeTensor(String name, ValueSource source) throws IOException {
		if (this.nextTensor >= this.tensors.size() || !this.tensors.get(this.nextTensor).name().equals(name)) {
			String expected = (this.nextTensor < this.tensors.size()) ? this.tensors.get(this.nextTensor).name()
					: "none";
			throw new IllegalStateException(
					"Tensor '" + name + "' written out of order: the next declared tensor is " + expected + ".");
		}
		long remaining = this.tensors.get(this.nextTensor).elementCount();
		while (remaining > 0) {
			int count = (int) Math.min(remaining, CHUNK_ELEMENTS);
			source.fill(this.chunk, count);
			this.buffer.clear();
			this.buffer.asFloatBuffer().put(this.chunk, 0, count);
			this.buffer.limit(count * Float.BYTES);
			writeFully(this.channel, this.buffer);
			remaining -= count;
		}
		this.nextTensor++;
	}

	private static void writeFully(FileChannel channel, ByteBuffer source) throws IOException {
		while (source.hasRemaining()) {
			channel.write(source);
		}
	}

	/**
	 * Closes the file.
	 * @throws IllegalStateException if declared tensors were not written, which leaves the
	 * file truncated
	 */
	@Override
	public void close() throws IOException {
		this.channel.close();
		if (this.nextTensor < this.tensors.size()) {
			throw new IllegalStateException("Safetensors file '" + this.file + "' is incomplete: "
					+ (this.tensors.size() - this.nextTensor) + " declared tensors were not written.");
		}
	}

}
