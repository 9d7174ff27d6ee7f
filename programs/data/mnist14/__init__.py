"""MNIST at 14x14, binary, 600 + 100 images as Scratch-importable text, with the script that makes them."""
