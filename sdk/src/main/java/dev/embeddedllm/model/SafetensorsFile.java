package dev.embeddedllm.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.embeddedllm.ModelLoadException;

/**
 * Reader of one file in the safetensors format.
 *
 * <p>
 * The format is an unsigned 64-bit little-endian header length N, N bytes of JSON that map
 * each tensor name to its dtype, shape and {@code data_offsets} (begin and end, relative to
 * the byte after the header), then the raw little-endian data. Every header value is checked
 * before any tensor data is read: the header must fit in the file and stay below
 * {@link #MAX_HEADER_BYTES}, each tensor's offsets must lie inside the data section, and
 * its byte length must equal the element count times the dtype size. A malformed file
 * therefore raises {@link SafetensorsException} instead of allocating the sizes its header claims.
 *
 * <p>
 * Tensor data is memory-mapped, not copied, until the caller copies it into the runtime.
 */
public final class SafetensorsFile implements AutoCloseable {

	/** Largest header accepted, in bytes; the reference implementation uses the same bound. */
	public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path path;

	private final FileChannel channel;

	private final long dataStart;

	private final Map<String, TensorInfo> tensors;

	private final Map<String, String> metadata;

	private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
			Map<String, String> metadata) {
		this.path = path;
		this.channel = channel;
		this.dataStart = dataStart;
		this.tensors = tensors;
		this.metadata = metadata;
	}

	/**
	 * Opens a file and validates its header.
	 * @throws SafetensorsException if the header is malformed
	 * @throws ModelLoadException if the file cannot be read
	 */
	public static SafetensorsFile open(Path path) {
		FileChannel channel;
		try {
			channel = FileChannel.open(path, StandardOpenOption.READ);
		}
		catch (IOException ex) {
			throw new ModelLoadException(path, "Cannot read safetensors file '" + path + "': " + ex.getMessage(), ex);
		}
		try {
			return readHeader(path, channel);
		}
		catch (RuntimeException ex) {
			closeQuietly(channel);
			throw ex;
		}
	}

	private static SafetensorsFile readHeader(Path path, FileChannel channel) {
		long fileSize = size(path, channel);
		if (fileSize < 8) {
			throw new SafetensorsException(path,
					"the file has " + fileSize + " bytes, fewer than the 8 bytes of the header length.");
		}

		ByteBuffer lengthBuffer = read(path, channel, 0, 8);
		long headerLength = lengthBuffer.order(ByteOrder.LITTLE_ENDIAN).getLong();
		if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
			throw new SafetensorsException(path, "the header length " + Long.toUnsignedString(headerLength)
					+ " is invalid: it must be between 2 and " + Math.min(MAX_HEADER_BYTES, fileSize - 8)
					+ " bytes for this file of " + fileSize + " bytes. The file is truncated or not safetensors.");
		}

		ByteBuffer headerBuffer = read(path, channel, 8, (int) headerLength);
		String header = StandardCharsets.UTF_8.decode(headerBuffer).toString();
		JsonNode root;
		try {
			root = JSON.readTree(header);
		}
		catch (JacksonException ex) {
			throw new SafetensorsException(path, "the header is not valid JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			throw new SafetensorsException(path, "the header must be a JSON object.");
		}

		long dataStart = 8 + headerLength;
		long dataSize = fileSize - dataStart;
		Map<String, TensorInfo> tensors = new LinkedHashMap<>();
		Map<String, String> metadata = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : root.properties()) {
			if (entry.getKey().equals("__metadata__")) {
				entry.getValue().properties().forEach((field) -> metadata.put(field.getKey(), field.getValue().asString()));
				continue;
			}
			tensors.put(entry.getKey(), parseTensor(path, entry.getKey(), entry.getValue(), dataSize));
		}
		return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(tensors),
				Collections.unmodifiableMap(metadata));
	}

	private static TensorInfo parseTensor(Path path, String name, JsonNode node, long dataSize) {
		if (!node.isObject()) {
			throw new SafetensorsException(path, "the entry of tensor '" + name + "' must be a JSON object.");
		}
		String dtypeName = node.path("dtype").asString("");
		TensorDtype dtype = TensorDtype.fromName(dtypeName)
			.orElseThrow(() -> new SafetensorsException(path,
					"tensor '" + name + "' has unknown dtype '" + dtypeName + "'."));

		JsonNode shapeNode = node.path("shape");
		if (!shapeNode.isArray()) {
			throw new SafetensorsException(path, "tensor '" + name + "' has no shape array.");
		}
		long[] shape = new long[shapeNode.size()];
		long elements = 1;
		for (int i = 0; i < shape.length; i++) {
			JsonNode dimension = shapeNode.get(i);
			if (!dimension.isIntegralNumber() || !dimension.canConvertToLong() || dimension.asLong() < 0) {
				throw new SafetensorsException(path,
						"tensor '" + name + "' has invalid dimension " + dimension + " in its shape.");
			}
			shape[i] = dimension.asLong();
			elements = multiplyChecked(path, name, elements, shape[i]);
		}

		JsonNode offsets = node.path("data_offsets");
		if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
				|| !offsets.get(1).isIntegralNumber()) {
			throw new SafetensorsException(path, "tensor '" + name + "' needs data_offsets [begin, end].");
		}
		long begin = offsets.get(0).asLong();
		long end = offsets.get(1).asLong();
		if (end < begin) {
			throw new SafetensorsException(path, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
					+ "] whose begin is after its end.");
		}
		if (begin < 0 || end > dataSize) {
			throw new SafetensorsException(path, "tensor '" + name + "' has data_offsets [" + begin + ", " + end
					+ "] outside the data section of " + dataSize + " bytes. The file is truncated or corrupt.");
		}

		long expectedBytes = multiplyChecked(path, name, elements, dtype.byteSize());
		if (end - begin != expectedBytes) {
			throw new SafetensorsException(path,
					"tensor '" + name + "' has " + (end - begin) + " bytes of data, but dtype " + dtype + " and shape "
							+ Arrays.toString(shape) + " need " + expectedBytes + " bytes.");
		}
		return new TensorInfo(name, dtype, shape, begin, end);
	}

	private static long multiplyChecked(Path path, String name, long left, long right) {
		try {
			return Math.multiplyExact(left, right);
		}
		catch (ArithmeticException ex) {
			throw new SafetensorsException(path, "tensor '" + name + "' is too large: its size overflows 64 bits.");
		}
	}

	public Path path() {
		return this.path;
	}

	/**
	 * Returns the tensors of this file by name, in header order.
	 */
	public Map<String, TensorInfo> tensors() {
		return this.tensors;
	}

	/**
	 * Returns the string map stored under {@code __metadata__}, empty when absent.
	 */
	public Map<String, String> metadata() {
		return this.metadata;
	}

	public Optional<TensorInfo> find(String name) {
		return Optional.ofNullable(this.tensors.get(name));
	}

	/**
	 * Maps the data of one tensor into memory, in little-endian order.
	 * @throws ModelLoadException if the tensor is larger than 2 GiB or cannot be mapped
	 */
	public ByteBuffer map(TensorInfo tensor) {
		if (tensor.byteLength() > Integer.MAX_VALUE) {
			throw new ModelLoadException(this.path, "Tensor '" + tensor.name() + "' in '" + this.path + "' has "
					+ tensor.byteLength() + " bytes; tensors over 2 GiB are not supported.");
		}
		try {
			return this.channel.map(FileChannel.MapMode.READ_ONLY, this.dataStart + tensor.begin(), tensor.byteLength())
				.order(ByteOrder.LITTLE_ENDIAN);
		}
		catch (IOException ex) {
			throw new ModelLoadException(this.path,
					"Cannot map tensor '" + tensor.name() + "' of '" + this.path + "': " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() {
		closeQuietly(this.channel);
	}

	private static long size(Path path, FileChannel channel) {
		try {
			return channel.size();
		}
		catch (IOException ex) {
			throw new ModelLoadException(path, "Cannot read safetensors file '" + path + "': " + ex.getMessage(), ex);
		}
	}

	private static ByteBuffer read(Path path, FileChannel channel, long position, int length) {
		ByteBuffer buffer = ByteBuffer.allocate(length);
		try {
			while (buffer.hasRemaining()) {
				if (channel.read(buffer, position + buffer.position()) < 0) {
					throw new SafetensorsException(path, "the file ends inside its header.");
				}
			}
		}
		catch (IOException ex) {
			throw new ModelLoadException(path, "Cannot read safetensors file '" + path + "': " + ex.getMessage(), ex);
		}
		return buffer.flip();
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing was written, so a failed close loses nothing.
		}
	}

}
