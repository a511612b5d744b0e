package dev.embeddedllm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes safetensors files for tests, without the SDK's reader: an unsigned 64-bit
 * little-endian header length, the JSON header, then the tensor data in header order.
 */
public final class SafetensorsFixtures {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private SafetensorsFixtures() {
	}

	/**
	 * One tensor with its safetensors dtype name (such as {@code F32}), its shape and its raw
	 * little-endian bytes.
	 */
	public record Tensor(String name, String dtype, long[] shape, byte[] data) {

		/**
		 * Creates an F32 tensor from its values.
		 */
		public static Tensor f32(String name, long[] shape, float... values) {
			ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
			for (float value : values) {
				buffer.putFloat(value);
			}
			return new Tensor(name, "F32", shape, buffer.array());
		}

		/**
		 * Returns the same data under another shape, for example to make a checkpoint whose
		 * tensor disagrees with its config.
		 */
		public Tensor withShape(long... newShape) {
			return new Tensor(this.name, this.dtype, newShape, this.data);
		}

		@Override
		public String toString() {
			return this.name + " " + this.dtype + Arrays.toString(this.shape);
		}

	}

	/**
	 * Writes tensors into one file, their data laid out back to back in list order.
	 */
	public static void write(Path file, List<Tensor> tensors) {
		byte[] header = header(tensors, Map.of()).getBytes(StandardCharsets.UTF_8);
		int dataLength = tensors.stream().mapToInt((tensor) -> tensor.data().length).sum();
		ByteBuffer data = ByteBuffer.allocate(dataLength);
		tensors.forEach((tensor) -> data.put(tensor.data()));
		writeRaw(file, header.length, header, data.array());
	}

	/**
	 * Returns the JSON header of tensors laid out back to back in list order.
	 */
	public static String header(List<Tensor> tensors, Map<String, String> metadata) {
		ObjectNode root = JSON.createObjectNode();
		if (!metadata.isEmpty()) {
			ObjectNode metadataNode = root.putObject("__metadata__");
			metadata.forEach(metadataNode::put);
		}
		long offset = 0;
		for (Tensor tensor : tensors) {
			ObjectNode entry = root.putObject(tensor.name());
			entry.put("dtype", tensor.dtype());
			ArrayNode shape = entry.putArray("shape");
			for (long dimension : tensor.shape()) {
				shape.add(dimension);
			}
			entry.putArray("data_offsets").add(offset).add(offset + tensor.data().length);
			offset += tensor.data().length;
		}
		return JSON.writeValueAsString(root);
	}

	/**
	 * Writes a file byte for byte as given, so that the header length field may disagree
	 * with the header that follows it.
	 * @param declaredHeaderLength the value of the first 8 bytes, read as unsigned
	 */
	public static void writeRaw(Path file, long declaredHeaderLength, byte[] header, byte[] data) {
		ByteBuffer buffer = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
		buffer.putLong(declaredHeaderLength).put(header).put(data);
		try {
			Files.write(file, buffer.array());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads every tensor of a file, in the order of its data.
	 */
	public static List<Tensor> read(Path file) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int headerLength = Math.toIntExact(ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
		JsonNode root = JSON.readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
		int dataStart = 8 + headerLength;

		List<Tensor> tensors = new ArrayList<>();
		List<Long> begins = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : root.properties()) {
			if (entry.getKey().equals("__metadata__")) {
				continue;
			}
			JsonNode node = entry.getValue();
			long[] shape = new long[node.path("shape").size()];
			for (int i = 0; i < shape.length; i++) {
				shape[i] = node.path("shape").get(i).asLong();
			}
			int begin = node.path("data_offsets").get(0).asInt();
			int end = node.path("data_offsets").get(1).asInt();
			byte[] data = Arrays.copyOfRange(bytes, dataStart + begin, dataStart + end);
			tensors.add(new Tensor(entry.getKey(), node.path("dtype").asString(), shape, data));
			begins.add((long) begin);
		}
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < tensors.size(); i++) {
			order.add(i);
		}
		order.sort(Comparator.comparing(begins::get));
		return order.stream().map(tensors::get).toList();
	}

}
