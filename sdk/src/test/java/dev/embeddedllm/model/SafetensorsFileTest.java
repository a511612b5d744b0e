package dev.embeddedllm.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.embeddedllm.ModelLoadException;
import dev.embeddedllm.testkit.SafetensorsFixtures;
import dev.embeddedllm.testkit.SafetensorsFixtures.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks the safetensors reader on files written byte by byte, valid and malformed. Every
 * malformed file must raise {@link SafetensorsException} naming the problem, never an
 * {@link OutOfMemoryError} or an exception of another type.
 */
class SafetensorsFileTest {

	@TempDir
	Path folder;

	@Test
	void open_validFile_readsHeader() {
		Path file = writeValidFile();

		try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
			Map<String, TensorInfo> tensors = safetensors.tensors();

			assertThat(tensors.keySet()).containsExactly("weight", "half", "ids");
			assertThat(tensors.get("weight").dtype()).isEqualTo(TensorDtype.F32);
			assertThat(tensors.get("weight").shape()).containsExactly(2, 3);
			assertThat(tensors.get("weight").begin()).isEqualTo(0);
			assertThat(tensors.get("weight").end()).isEqualTo(24);
			assertThat(tensors.get("half").dtype()).isEqualTo(TensorDtype.BF16);
			assertThat(tensors.get("half").shape()).containsExactly(4);
			assertThat(tensors.get("half").begin()).isEqualTo(24);
			assertThat(tensors.get("half").end()).isEqualTo(32);
			assertThat(tensors.get("ids").dtype()).isEqualTo(TensorDtype.I64);
			assertThat(tensors.get("ids").shape()).isEmpty();
			assertThat(tensors.get("ids").elementCount()).isEqualTo(1);
			assertThat(safetensors.metadata()).containsExactly(Map.entry("format", "pt"));
		}
	}

	@Test
	void map_validFile_returnsLittleEndianData() {
		Path file = writeValidFile();

		try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
			ByteBuffer weight = safetensors.map(safetensors.tensors().get("weight"));
			ByteBuffer ids = safetensors.map(safetensors.tensors().get("ids"));

			assertThat(weight.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
			assertThat(weight.remaining()).isEqualTo(24);
			for (int i = 0; i < 6; i++) {
				assertThat(weight.getFloat(i * Float.BYTES)).as("element %d", i).isEqualTo(i + 0.5f);
			}
			assertThat(ids.getLong(0)).isEqualTo(0x0102030405060708L);
		}
	}

	@Test
	void open_headerPaddedWithSpaces_accepted() {
		// Writers pad the header with spaces so that the data starts 8-byte aligned.
		String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}     ";
		Path file = writeRaw(header, new byte[4]);

		try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
			assertThat(safetensors.tensors()).containsOnlyKeys("w");
		}
	}

	@Test
	void open_emptyTensor_accepted() {
		Path file = writeRaw("{\"empty\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[0,0]}}", new byte[0]);

		try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
			assertThat(safetensors.tensors().get("empty").byteLength()).isZero();
		}
	}

	@Test
	void open_emptyFile_rejected() {
		Path file = write(new byte[0]);

		assertRejected(file, "the file has 0 bytes, fewer than the 8 bytes of the header length");
	}

	@Test
	void open_fewerThanEightBytes_rejected() {
		Path file = write(new byte[] { 10, 0, 0, 0, 0 });

		assertRejected(file, "the file has 5 bytes, fewer than the 8 bytes of the header length");
	}

	@Test
	void open_headerCutShort_rejected() {
		String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
		byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
		Path file = this.folder.resolve("cut.safetensors");
		SafetensorsFixtures.writeRaw(file, headerBytes.length, Arrays.copyOf(headerBytes, 20), new byte[0]);

		// The file keeps 20 of the header's bytes after the 8-byte length field.
		assertRejected(file, "the header length " + headerBytes.length + " is invalid", "file of 28 bytes",
				"truncated");
	}

	@Test
	void open_dataCutShort_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}}", new byte[10]);

		assertRejected(file, "tensor 'w' has data_offsets [0, 24] outside the data section of 10 bytes",
				"truncated");
	}

	@Test
	void open_offsetsOutsideFile_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[1000,1004]}}", new byte[8]);

		assertRejected(file, "tensor 'w' has data_offsets [1000, 1004] outside the data section of 8 bytes");
	}

	@Test
	void open_negativeOffset_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-4,4]}}", new byte[8]);

		assertRejected(file, "tensor 'w' has data_offsets [-4, 4]");
	}

	@Test
	void open_beginAfterEnd_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[8]);

		assertRejected(file, "tensor 'w' has data_offsets [8, 4]");
	}

	@Test
	void open_offsetsMissing_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]);

		assertRejected(file, "tensor 'w' needs data_offsets [begin, end]");
	}

	@Test
	void open_headerLengthLargerThanFile_rejected() {
		String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
		Path file = this.folder.resolve("long.safetensors");
		byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
		SafetensorsFixtures.writeRaw(file, 1000, headerBytes, new byte[4]);

		assertRejected(file, "the header length 1000 is invalid");
	}

	@Test
	void open_headerLengthTwoToThe63_rejected() {
		Path file = writeWithDeclaredLength(Long.MIN_VALUE);

		// Read as unsigned, the bits of Long.MIN_VALUE are 2^63.
		assertRejected(file, "the header length 9223372036854775808 is invalid");
	}

	@Test
	void open_headerLengthAllOnes_rejected() {
		Path file = writeWithDeclaredLength(0xFFFFFFFFFFFFFFFFL);

		// Read as unsigned, 64 one-bits are 2^64 - 1.
		assertRejected(file, "the header length 18446744073709551615 is invalid");
	}

	@Test
	void open_headerLengthZero_rejected() {
		Path file = writeWithDeclaredLength(0);

		assertRejected(file, "the header length 0 is invalid");
	}

	@Test
	void open_headerLengthAboveMaximum_rejected() throws IOException {
		Path file = this.folder.resolve("huge.safetensors");
		long declared = SafetensorsFile.MAX_HEADER_BYTES + 1;
		try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
			sparse.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array());
			// A sparse file large enough that only the header limit rejects the length.
			sparse.setLength(2 * SafetensorsFile.MAX_HEADER_BYTES);
		}

		assertRejected(file, "the header length " + declared + " is invalid");
	}

	@Test
	void open_headerNotJson_rejected() {
		Path file = writeRaw("this is not JSON", new byte[0]);

		assertRejected(file, "the header is not valid JSON");
	}

	@Test
	void open_headerArray_rejected() {
		Path file = writeRaw("[1, 2, 3]", new byte[0]);

		assertRejected(file, "the header must be a JSON object");
	}

	@Test
	void open_headerNull_rejected() {
		Path file = writeRaw("null", new byte[0]);

		assertRejected(file, "the header must be a JSON object");
	}

	@Test
	void open_tensorEntryNotObject_rejected() {
		Path file = writeRaw("{\"w\":5}", new byte[0]);

		assertRejected(file, "the entry of tensor 'w' must be a JSON object");
	}

	@Test
	void open_unknownDtype_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", new byte[16]);

		assertRejected(file, "tensor 'w' has unknown dtype 'F128'");
	}

	@Test
	void open_dtypeMissing_rejected() {
		Path file = writeRaw("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);

		assertRejected(file, "tensor 'w' has unknown dtype ''");
	}

	@Test
	void open_negativeDimension_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8]);

		assertRejected(file, "tensor 'w' has invalid dimension -2");
	}

	@Test
	void open_fractionalDimension_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", new byte[8]);

		assertRejected(file, "tensor 'w' has invalid dimension 2.5");
	}

	@Test
	void open_stringDimension_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", new byte[8]);

		assertRejected(file, "tensor 'w' has invalid dimension \"2\"");
	}

	@Test
	void open_shapeMissing_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]);

		assertRejected(file, "tensor 'w' has no shape array");
	}

	@Test
	void open_byteLengthDisagreesWithShape_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);

		// 3 F32 elements need 3 * 4 bytes.
		assertRejected(file, "tensor 'w' has 8 bytes of data, but dtype F32 and shape [3] need 12 bytes");
	}

	@Test
	void open_byteLengthDisagreesWithDtype_rejected() {
		Path file = writeRaw("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);

		// 2 F64 elements need 2 * 8 bytes.
		assertRejected(file, "tensor 'w' has 8 bytes of data, but dtype F64 and shape [2] need 16 bytes");
	}

	@Test
	void open_elementCountOverflows_rejected() {
		// 2^32 * 2^32 = 2^64 elements, more than a long can count.
		Path file = writeRaw(
				"{\"w\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", new byte[0]);

		assertRejected(file, "tensor 'w' is too large: its size overflows 64 bits");
	}

	@Test
	void open_byteCountOverflows_rejected() {
		// 2^62 elements fit in a long, but 2^62 * 4 bytes of F32 do not.
		Path file = writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}",
				new byte[0]);

		assertRejected(file, "tensor 'w' is too large: its size overflows 64 bits");
	}

	@Test
	void open_missingFile_rejected() {
		Path file = this.folder.resolve("absent.safetensors");

		assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(ModelLoadException.class)
			.hasMessageContaining("Cannot read safetensors file '" + file + "'");
	}

	private Path writeValidFile() {
		Tensor weight = Tensor.f32("weight", new long[] { 2, 3 }, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f);
		Tensor half = new Tensor("half", "BF16", new long[] { 4 }, new byte[8]);
		byte[] idBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0102030405060708L).array();
		Tensor ids = new Tensor("ids", "I64", new long[0], idBytes);
		List<Tensor> tensors = List.of(weight, half, ids);

		String header = SafetensorsFixtures.header(tensors, Map.of("format", "pt"));
		byte[] data = ByteBuffer.allocate(40).put(weight.data()).put(half.data()).put(ids.data()).array();
		return writeRaw(header, data);
	}

	private Path writeRaw(String header, byte[] data) {
		Path file = this.folder.resolve("model.safetensors");
		byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
		SafetensorsFixtures.writeRaw(file, headerBytes.length, headerBytes, data);
		return file;
	}

	private Path writeWithDeclaredLength(long declaredHeaderLength) {
		Path file = this.folder.resolve("model.safetensors");
		byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
		SafetensorsFixtures.writeRaw(file, declaredHeaderLength, header, new byte[0]);
		return file;
	}

	private Path write(byte[] bytes) {
		Path file = this.folder.resolve("model.safetensors");
		try {
			Files.write(file, bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return file;
	}

	private static void assertRejected(Path file, String... messageParts) {
		assertThatThrownBy(() -> SafetensorsFile.open(file)).isInstanceOf(SafetensorsException.class)
			.hasMessageStartingWith("Invalid safetensors file '" + file + "': ")
			.hasMessageContainingAll(messageParts)
			.satisfies((ex) -> assertThat(((SafetensorsException) ex).getPath()).isEqualTo(file));
	}

}
