"""Layers in a rehearsal: published, attached in order, and their bytes kept locally.

moto reports a layer version's ``Content.Location`` as an ``s3://`` address it cannot
serve, so, as for the function's own zips, the rehearsal keeps every layer zip it
publishes in the :class:`~pytest_lee.rehearsal.local.CodeStore` under the
``CodeSha256`` Lambda reported, and a health check finds a version's layers through
the ARNs *that version's* configuration lists: what runs is what was attached.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_lee.rehearsal.deploy import StepFailed
from pytest_lee.rehearsal.local import CodeStore
from pytest_lee.settings import Settings


class LayerPublisher:
    """Builds and publishes ``[[tool.lee.layer]]`` once per content; remembers ARN → hash."""

    def __init__(self, settings: Settings, client: Any, store: CodeStore, work: Path) -> None:
        self.settings = settings
        self.client = client
        self.store = store
        self.work = work
        self._by_sha: dict[str, str] = {}  # CodeSha256 → LayerVersionArn
        self.shas: dict[str, str] = {}  # LayerVersionArn → CodeSha256

    def publish(self) -> tuple[list[str], str]:
        """(the ARNs to attach, in order; what was done) — a new version only for new bytes."""
        from pytest_lee.package.layers import build_layers

        arns, done = [], []
        function = self.settings.function
        for layer, package in zip(self.settings.layers, build_layers(self.settings, self.work)):
            arn = self._by_sha.get(package.code_sha256)
            if arn is None:
                data = package.path.read_bytes()
                response = self.client.publish_layer_version(
                    LayerName=layer.name,
                    Content={"ZipFile": data},
                    CompatibleRuntimes=[function.runtime],
                    CompatibleArchitectures=[function.architecture],
                    Description="pytest-lee rehearsal",
                )
                reported = response["Content"]["CodeSha256"]
                if reported != package.code_sha256:
                    raise StepFailed(
                        f"layer {layer.name}: Lambda reports CodeSha256 {reported}, the zip is "
                        f"{package.code_sha256}: not attached"
                    )
                arn = response["LayerVersionArn"]
                self.store.put(data)
                self._by_sha[reported] = arn
                self.shas[arn] = reported
                done.append(f"{layer.name} v{response['Version']}")
            else:
                done.append(f"{layer.name} (unchanged)")
            arns.append(arn)
        return arns, ", ".join(done)

    def shas_for(self, configuration: dict[str, Any]) -> list[str]:
        """The CodeSha256 of each layer a version's configuration lists, in order."""
        shas = []
        for entry in configuration.get("Layers") or ():
            arn = entry.get("Arn", "")
            if arn not in self.shas:
                raise StepFailed(f"no bytes held locally for layer {arn}")
            shas.append(self.shas[arn])
        return shas
